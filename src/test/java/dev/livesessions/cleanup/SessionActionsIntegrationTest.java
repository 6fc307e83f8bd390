package dev.livesessions.cleanup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livesessions.Http;
import dev.livesessions.IntegrationTest;
import dev.livesessions.api.AutoCleanupChanged;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.livesessions.Http.uniqueTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@IntegrationTest
class SessionActionsIntegrationTest {

    private static final String SELLER = "+33600000000";
    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EventStorageEngine store;

    private Http http;
    private String tenant;
    private String sessionId;

    @BeforeEach
    void openASession() {
        http = new Http(port);
        tenant = uniqueTenant("act");
        http.createTenant(tenant, null, SELLER);
        sessionId = http.message(tenant, "m1", SELLER, "live").body().get("sessionId").asText();
        await().until(() -> http.get("/api/sessions/" + sessionId).status() == 200);
    }

    @Test
    void deactivatingClosesTheSessionByHandOnceAndSaysWhoDidItAndAtWhichRequest() throws Exception {
        JsonNode first = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/sessions/"
                                                                     + sessionId + "/deactivate"))
                                              .header("X-Correlation-Id", "trace-7")
                                              .POST(HttpRequest.BodyPublishers.noBody())).body();
        JsonNode second = http.post("/api/sessions/" + sessionId + "/deactivate", Map.of()).body();

        assertThat(first.get("changed").asBoolean()).isTrue();
        assertThat(second.get("changed").asBoolean()).isFalse();
        await().untilAsserted(() -> {
            JsonNode session = http.get("/api/sessions/" + sessionId).body();
            assertThat(session.get("status").asText()).isEqualTo("CLOSED");
            assertThat(session.get("closeReason").asText()).isEqualTo("MANUAL");
            assertThat(session.get("archiveAt").isNull()).isFalse();
        });
        byte[] metaData = jdbc.queryForObject(
                "SELECT meta_data FROM domain_event_entry WHERE aggregate_identifier = ? "
                        + "AND payload_type = 'dev.livesessions.api.LiveSessionClosed'", byte[].class, sessionId);
        assertThat(JSON.readTree(metaData).get("actor").asText()).isEqualTo("admin-token");
        assertThat(JSON.readTree(metaData).get("correlationId").asText()).isEqualTo("trace-7");
    }

    @Test
    void deletingNeedsTheSessionIdRepeatedAndThenTakesItOutOfEveryView() {
        assertThat(delete("").status()).isEqualTo(400);
        assertThat(delete("?confirm=" + tenant + ".2").status()).isEqualTo(400);
        assertThat(eventsOf("SessionDeleted")).isZero();

        Http.Response deleted = delete("?confirm=" + sessionId);

        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.body().get("changed").asBoolean()).isTrue();
        await().untilAsserted(() -> {
            assertThat(http.get("/api/sessions?tenantId=" + tenant).body().get("totalElements").asLong()).isZero();
            assertThat(http.get("/api/sessions?tenantId=" + tenant + "&status=DELETED").body()
                           .get("sessions").findValuesAsText("sessionId")).containsExactly(sessionId);
            JsonNode stats = http.get("/api/stats/" + tenant).body();
            assertThat(stats.get("totalSessions").asLong()).isZero();
            assertThat(stats.get("deletedSessions").asLong()).isEqualTo(1);
        });
        assertThat(eventsOf("SessionDeleted")).isEqualTo(1);
    }

    @Test
    void aDeletedSessionIsRestoredAsAClosedOne() {
        delete("?confirm=" + sessionId);

        Http.Response restored = http.post("/api/sessions/" + sessionId + "/restore", Map.of());

        assertThat(restored.body().get("changed").asBoolean()).isTrue();
        await().untilAsserted(() -> {
            JsonNode session = http.get("/api/sessions/" + sessionId).body();
            assertThat(session.get("status").asText()).isEqualTo("CLOSED");
            assertThat(session.get("cleanupStatus").asText()).isEqualTo("INACTIVE");
            JsonNode stats = http.get("/api/stats/" + tenant).body();
            assertThat(stats.get("inactiveSessions").asLong()).isEqualTo(1);
            assertThat(stats.get("deletedSessions").asLong()).isZero();
        });
        assertThat(http.post("/api/sessions/" + sessionId + "/restore", Map.of()).body().get("changed").asBoolean())
                .isFalse();
    }

    @Test
    void autoCleanupIsTurnedOffAndOnAgain() {
        http.post("/api/sessions/" + sessionId + "/deactivate", Map.of());

        assertThat(http.put("/api/sessions/" + sessionId + "/auto-cleanup", Map.of("enabled", false)).body()
                       .get("changed").asBoolean()).isTrue();
        await().untilAsserted(() -> {
            JsonNode session = http.get("/api/sessions/" + sessionId).body();
            assertThat(session.get("autoCleanup").asBoolean()).isFalse();
            assertThat(session.get("archiveAt").isNull()).isTrue();
        });

        assertThat(http.put("/api/sessions/" + sessionId + "/auto-cleanup", Map.of("enabled", true)).body()
                       .get("changed").asBoolean()).isTrue();
        await().untilAsserted(() -> assertThat(
                http.get("/api/sessions/" + sessionId).body().get("archiveAt").isNull()).isFalse());
        assertThat(http.put("/api/sessions/" + sessionId + "/auto-cleanup", Map.of()).status()).isEqualTo(400);
    }

    @Test
    void actionsOnASessionThatDoesNotExistAreNotFound() {
        assertThat(http.post("/api/sessions/nobody.1/deactivate", Map.of()).status()).isEqualTo(404);
        assertThat(http.post("/api/sessions/nobody.1/restore", Map.of()).status()).isEqualTo(404);
    }

    private Http.Response delete(String query) {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/sessions/" + sessionId
                                                           + query)).DELETE());
    }

    /**
     * Nodes share the store, and another node may have changed the session since this node cached it. An action
     * decides on the session as stored: on the cached copy, switching auto-cleanup on would be "no change" here, and
     * nothing written would conflict to tell.
     */
    @Test
    void anActionDecidesOnTheSessionAsStoredWhenAnotherNodeChangedItUnseen() {
        long last = jdbc.queryForObject(
                "SELECT max(sequence_number) FROM domain_event_entry WHERE aggregate_identifier = ?", Long.class,
                sessionId);
        // Another node switches auto-cleanup off: straight into the store, unseen by this node's cached copy.
        store.appendEvents(List.of(new GenericDomainEventMessage<>(
                "LiveSession", sessionId, last + 1, new AutoCleanupChanged(sessionId, tenant, false, Instant.now()))));

        JsonNode switchedOn = http.put("/api/sessions/" + sessionId + "/auto-cleanup", Map.of("enabled", true)).body();

        assertThat(switchedOn.get("changed").asBoolean()).isTrue();
        assertThat(eventsOf("AutoCleanupChanged")).isEqualTo(2);
    }

    /**
     * Another node that takes the session's next event number at each of the action's attempts: the database refuses
     * the action's event as a duplicate every time (a trigger stands in for the other node's writes).
     */
    @Test
    void anActionThatLosesEveryRaceForTheSessionIsAConflictAndChangesNothing() {
        jdbc.execute("""
                CREATE FUNCTION taken_by_another_node() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE unique_violation USING MESSAGE = 'duplicate key value: the sequence number is taken';
                END $$""");
        jdbc.execute("CREATE TRIGGER taken_by_another_node BEFORE INSERT ON domain_event_entry FOR EACH ROW "
                     + "WHEN (NEW.aggregate_identifier = '" + sessionId + "') "
                     + "EXECUTE FUNCTION taken_by_another_node()");
        Http.Response deactivated;
        try {
            deactivated = http.post("/api/sessions/" + sessionId + "/deactivate", Map.of());
        } finally {
            jdbc.execute("DROP TRIGGER taken_by_another_node ON domain_event_entry");
            jdbc.execute("DROP FUNCTION taken_by_another_node()");
        }

        assertThat(deactivated.status()).isEqualTo(409);
        assertThat(eventsOf("LiveSessionClosed")).isZero();
        assertThat(http.post("/api/sessions/" + sessionId + "/deactivate", Map.of()).body().get("changed").asBoolean())
                .isTrue();
    }

    private long eventsOf(String type) {
        return jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier = ? "
                                           + "AND payload_type = ?", Long.class, sessionId, "dev.livesessions.api." + type);
    }

}
