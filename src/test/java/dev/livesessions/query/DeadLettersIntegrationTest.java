package dev.livesessions.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livesessions.Http;
import dev.livesessions.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An event the read models cannot take is parked with the rest of its tenant's events; once the cause is gone, a
 * retry applies them, and the tenant's read models move on.
 */
@IntegrationTest
class DeadLettersIntegrationTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void anEventParkedForWantOfItsSessionRowIsAppliedByARetryOnceTheRowIsBack() {
        Http http = new Http(port);
        String tenant = Http.uniqueTenant("parked");
        String sessionId = tenant + ".1";
        assertThat(http.createTenant(tenant, "PT1H", "+33600000000").status()).isEqualTo(201);
        ParkedEvents.parkASecondCode(http, jdbc, tenant);
        ParkedEvents.putTheRowBack(jdbc, tenant);

        JsonNode retry = http.post("/api/dead-letters/retry", Map.of()).body();

        assertThat(retry.get("retried").asInt()).isEqualTo(1);
        assertThat(ParkedEvents.of(http, tenant)).isEmpty();
        assertThat(http.get("/api/sessions/" + sessionId).body().get("clientCodes").asLong()).isEqualTo(2);
        // Parked no more: the tenant's next events reach the read models again.
        assertThat(http.message(tenant, "after-retry", "+33700000003", "A3").status()).isEqualTo(200);
        await().untilAsserted(() -> assertThat(
                http.get("/api/sessions/" + sessionId).body().get("clientCodes").asLong()).isEqualTo(3));
    }

    /**
     * A hot live whose read models fail parks its events faster than anyone retries them. Axon's queue held 1 024
     * events of a tenant: the next one failed its whole batch, again and again, and the other tenants of its segment
     * got no read models either.
     */
    @Test
    void aTenantWithMoreThanAThousandParkedEventsHoldsUpNoOtherTenantOfItsSegment() {
        Http http = new Http(port);
        String parked = Http.uniqueTenant("parked");
        String neighbour = aTenantInTheSameSegmentAs(parked);
        assertThat(http.createTenant(parked, "PT1H", "+33600000000").status()).isEqualTo(201);
        assertThat(http.createTenant(neighbour, "PT1H", "+33600000000").status()).isEqualTo(201);
        ParkedEvents.parkASecondCode(http, jdbc, parked);
        try {
            for (int code = 3; code <= 1_030; code++) {
                assertThat(http.message(parked, "code-" + code, "+33700000002", "A" + code).status()).isEqualTo(200);
            }

            assertThat(http.message(neighbour, "first", "+33700000001", "A1").status()).isEqualTo(200);

            await().atMost(Duration.ofSeconds(60)).until(
                    () -> http.get("/api/sessions/" + neighbour + ".1").status() == 200);
            await().untilAsserted(() -> assertThat(ParkedEvents.of(http, parked)).hasSize(1_029));
            // Listed a thousand at most unless asked for more (or fewer).
            assertThat(http.get("/api/dead-letters").body()).hasSize(1_000);
            assertThat(http.get("/api/dead-letters?limit=3").body()).hasSize(3);
            assertThat(http.get("/api/dead-letters?limit=0").status()).isEqualTo(400);
            assertThat(http.get("/api/dead-letters?limit=10001").status()).isEqualTo(400);
        } finally {
            ParkedEvents.putTheRowBack(jdbc, parked);
            http.post("/api/dead-letters/retry", Map.of());
        }
        assertThat(ParkedEvents.of(http, parked)).isEmpty();
        assertThat(http.get("/api/sessions/" + parked + ".1").body().get("clientCodes").asLong()).isEqualTo(1_030);
    }

    @Test
    void aRetryAppliesEveryTenantWhoseCauseIsGoneWhenAnotherStillFails() {
        Http http = new Http(port);
        String stillBroken = Http.uniqueTenant("parked");
        String mended = Http.uniqueTenant("parked");
        assertThat(http.createTenant(stillBroken, "PT1H", "+33600000000").status()).isEqualTo(201);
        assertThat(http.createTenant(mended, "PT1H", "+33600000000").status()).isEqualTo(201);
        // Parked first, so tried first.
        ParkedEvents.parkASecondCode(http, jdbc, stillBroken);
        ParkedEvents.parkASecondCode(http, jdbc, mended);
        ParkedEvents.putTheRowBack(jdbc, mended);
        try {
            JsonNode retry = http.post("/api/dead-letters/retry", Map.of()).body();

            assertThat(retry.get("retried").asInt()).isEqualTo(1);
            assertThat(ParkedEvents.of(http, mended)).isEmpty();
            assertThat(ParkedEvents.of(http, stillBroken)).hasSize(1);
            assertThat(http.get("/api/sessions/" + mended + ".1").body().get("clientCodes").asLong()).isEqualTo(2);
        } finally {
            ParkedEvents.putTheRowBack(jdbc, stillBroken);
            http.post("/api/dead-letters/retry", Map.of());
        }
        assertThat(ParkedEvents.of(http, stillBroken)).isEmpty();
    }

    /**
     * A tenant whose events go to the same segment as the given tenant's, however many segments (up to 256) the read
     * models' processor has: a segment takes the tenants whose id's hash code ends in its bits.
     */
    private static String aTenantInTheSameSegmentAs(String tenant) {
        String other;
        do {
            other = Http.uniqueTenant("neighbour");
        } while ((other.hashCode() & 0xFF) != (tenant.hashCode() & 0xFF));
        return other;
    }
}
