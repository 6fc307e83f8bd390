package dev.livesessions.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livesessions.Http;
import org.springframework.jdbc.core.JdbcTemplate;

import java.util.List;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Makes the read models park a tenant's event, as a row gone missing would, and lists what is parked. */
final class ParkedEvents {

    private ParkedEvents() {
    }

    /**
     * Opens the tenant's first session with a client code, moves the session's read-model row aside, and sends a
     * second code: the read models cannot apply it, and park it. {@link #putTheRowBack} undoes the move.
     */
    static void parkASecondCode(Http http, JdbcTemplate jdbc, String tenant) {
        String sessionId = tenant + ".1";
        assertThat(http.message(tenant, "first", "+33700000001", "A1").status()).isEqualTo(200);
        // The opening and its first code may reach the read models in two batches: both are in the row moved aside.
        await().until(() -> http.get("/api/sessions/" + sessionId).body().path("clientCodes").asLong() == 1);
        jdbc.execute("CREATE TABLE " + aside(tenant) + " (LIKE live_session)");
        jdbc.update("WITH moved AS (DELETE FROM live_session WHERE session_id = ? RETURNING *) "
                    + "INSERT INTO " + aside(tenant) + " SELECT * FROM moved", sessionId);
        assertThat(http.message(tenant, "second", "+33700000002", "A2").status()).isEqualTo(200);
        await().untilAsserted(() -> assertThat(of(http, tenant)).hasSize(1));
    }

    static void putTheRowBack(JdbcTemplate jdbc, String tenant) {
        jdbc.update("INSERT INTO live_session SELECT * FROM " + aside(tenant));
        forgetTheRow(jdbc, tenant);
    }

    static void forgetTheRow(JdbcTemplate jdbc, String tenant) {
        jdbc.execute("DROP TABLE " + aside(tenant));
    }

    /** The events parked for the tenant, as the API lists them. */
    static List<JsonNode> of(Http http, String tenant) {
        JsonNode parked = http.get("/api/dead-letters?limit=10000").body();
        assertThat(parked.size()).as("all parked events listed").isLessThan(10_000);
        return StreamSupport.stream(parked.spliterator(), false)
                            .filter(event -> event.get("sequence").asText().equals(tenant))
                            .toList();
    }

    private static String aside(String tenant) {
        return "aside_" + tenant.replace('-', '_');
    }
}
