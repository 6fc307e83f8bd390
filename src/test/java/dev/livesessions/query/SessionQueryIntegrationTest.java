package dev.livesessions.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livesessions.Http;
import dev.livesessions.IntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.livesessions.Http.uniqueTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@IntegrationTest
class SessionQueryIntegrationTest {

    private static final String SELLER = "+33600000000";

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;

    private Http http;

    @BeforeEach
    void setUp() {
        http = new Http(port);
    }

    /** A mistyped tenant is not a tenant without sessions. */
    @Test
    void theSessionsStreamAndStatisticsOfATenantThatDoesNotExistAreNotFound() {
        String nobody = uniqueTenant("nobody");

        for (String path : List.of("/api/sessions?tenantId=", "/api/stream?tenantId=", "/api/stats/")) {
            Http.Response answer = http.get(path + nobody);
            assertThat(answer.status()).as(path).isEqualTo(404);
            assertThat(answer.body().get("detail").asText()).as(path).isEqualTo("No tenant '" + nobody + "'");
        }
    }

    @Test
    void sessionsAreListedNewestFirstFilteredByTenantStatusAndCleanupStatusAndPaged() throws InterruptedException {
        String tenant = uniqueTenant("list");
        http.createTenant(tenant, "PT1S", SELLER);
        http.message(tenant, "m1", SELLER, "first live");
        await().until(() -> status(tenant + ".1").equals("CLOSED"));
        http.message(tenant, "m2", SELLER, "second live");
        await().until(() -> status(tenant + ".2").equals("CLOSED"));
        http.put("/api/tenants/" + tenant, Map.of("name", "x", "sellerPhones", List.of(SELLER),
                                                  "inactivityWindow", "PT1H"));
        Thread.sleep(100);
        http.message(tenant, "m3", SELLER, "third live");
        await().until(() -> http.get("/api/sessions/" + tenant + ".3").status() == 200);

        JsonNode all = http.get("/api/sessions?tenantId=" + tenant).body();
        assertThat(all.get("totalElements").asLong()).isEqualTo(3);
        assertThat(all.get("sessions").findValuesAsText("sessionId"))
                .containsExactly(tenant + ".3", tenant + ".2", tenant + ".1");
        assertThat(http.get("/api/sessions?tenantId=" + tenant + "&status=ACTIVE").body()
                       .get("sessions").findValuesAsText("sessionId")).containsExactly(tenant + ".3");
        JsonNode secondPage = http.get("/api/sessions?tenantId=" + tenant + "&status=CLOSED&page=1&size=1").body();
        assertThat(secondPage.get("sessions").findValuesAsText("sessionId")).containsExactly(tenant + ".1");
        assertThat(secondPage.get("totalElements").asLong()).isEqualTo(2);

        assertThat(ids("?tenantId=" + tenant + "&cleanupStatus=ACTIVE")).containsExactly(tenant + ".3");
        assertThat(ids("?tenantId=" + tenant + "&cleanupStatus=INACTIVE"))
                .containsExactly(tenant + ".2", tenant + ".1");
        assertThat(ids("?tenantId=" + tenant + "&status=ACTIVE&cleanupStatus=ACTIVE")).containsExactly(tenant + ".3");
        assertThat(ids("?tenantId=" + tenant + "&status=CLOSED&cleanupStatus=ACTIVE")).isEmpty();
        assertThat(ids("?tenantId=" + tenant + "&status=ACTIVE&cleanupStatus=INACTIVE")).isEmpty();
    }

    /** A candidate is an active session past its window, or a closed one given notice of its archive. */
    @Test
    void cleanupCandidatesAreNarrowedByStatus() {
        String tenant = uniqueTenant("candidates");
        http.createTenant(tenant, "PT1H", SELLER);
        http.message(tenant, "m1", SELLER, "live");
        await().until(() -> http.get("/api/sessions/" + tenant + ".1").status() == 200);
        // As the read model shows a session past its window whose closure is due, and a closed one in its notice
        // period: neither can be made on time through the service, so the rows are written here, and put back after.
        Timestamp expiresAt = jdbc.queryForObject("SELECT expires_at FROM live_session WHERE session_id = ?",
                                                  Timestamp.class, tenant + ".1");
        jdbc.update("UPDATE live_session SET expires_at = now() - interval '1 minute' WHERE session_id = ?",
                    tenant + ".1");
        jdbc.update("""
                INSERT INTO live_session (session_id, tenant_id, number, status, created_at, last_activity_at,
                    inactivity_window_seconds, closed_at, close_reason, seller_messages, client_codes, auto_cleanup,
                    archive_at, archive_notice_at, last_event_sequence)
                VALUES (?, ?, 0, 'CLOSED', now() - interval '31 days', now() - interval '30 days', 3600,
                    now() - interval '30 days', 'INACTIVITY', 1, 0, true, now() + interval '1 hour', now(), 1)
                """, tenant + ".0", tenant);
        try {
            assertThat(ids("?tenantId=" + tenant + "&cleanupStatus=CANDIDATE"))
                    .containsExactly(tenant + ".1", tenant + ".0");
            assertThat(ids("?tenantId=" + tenant + "&status=ACTIVE&cleanupStatus=CANDIDATE"))
                    .containsExactly(tenant + ".1");
            assertThat(ids("?tenantId=" + tenant + "&status=CLOSED&cleanupStatus=CANDIDATE"))
                    .containsExactly(tenant + ".0");
            assertThat(ids("?tenantId=" + tenant + "&status=ARCHIVED&cleanupStatus=CANDIDATE")).isEmpty();
        } finally {
            jdbc.update("DELETE FROM live_session WHERE session_id = ?", tenant + ".0");
            jdbc.update("UPDATE live_session SET expires_at = ? WHERE session_id = ?", expiresAt, tenant + ".1");
        }
    }

    private List<String> ids(String query) {
        return http.get("/api/sessions" + query).body().get("sessions").findValuesAsText("sessionId");
    }

    @Test
    void statsCountSessionsMessagesAndAverageDurationPerTenantAndOverall() {
        String tenant = uniqueTenant("stats");
        http.createTenant(tenant, "PT2S", SELLER);
        long before = http.get("/api/stats").body().get("totalSessions").asLong();
        http.message(tenant, "m1", SELLER, "live");
        http.message(tenant, "m2", "+33700000001", "A1");

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            JsonNode stats = http.get("/api/stats/" + tenant).body();
            assertThat(stats.get("totalSessions").asLong()).isEqualTo(1);
            assertThat(stats.get("activeSessions").asLong()).isZero();
            assertThat(stats.get("inactiveSessions").asLong()).isEqualTo(1);
            assertThat(stats.get("oldSessions").asLong()).isZero();
            assertThat(stats.get("activityRate").asDouble()).isZero();
            assertThat(stats.get("averageHoursInactive").asDouble()).isBetween(0.0, 0.01);
            assertThat(stats.get("liveMessages").asLong()).isEqualTo(2);
            assertThat(Duration.parse(stats.get("averageSessionDuration").asText()))
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        });
        assertThat(http.get("/api/stats").body().get("totalSessions").asLong()).isGreaterThan(before);
    }

    @Test
    void unknownSessionsAndTenantsAreNotFoundAndBadParametersAreRejected() {
        assertThat(http.get("/api/sessions/nobody.1").status()).isEqualTo(404);
        assertThat(http.get("/api/stats/nobody").status()).isEqualTo(404);
        assertThat(http.get("/api/sessions?status=SLEEPING").status()).isEqualTo(400);
        assertThat(http.get("/api/sessions?size=1000").status()).isEqualTo(400);
        assertThat(http.get("/api/sessions?page=-1").status()).isEqualTo(400);
        // page × size past the largest int: refused, not a failure of the query
        assertThat(http.get("/api/sessions?page=10737419&size=200").status()).isEqualTo(400);
        assertThat(http.get("/api/sessions?size=1000").contentType()).isEqualTo("application/problem+json");
    }

    private String status(String sessionId) {
        Http.Response response = http.get("/api/sessions/" + sessionId);
        return response.status() == 200 ? response.body().get("status").asText() : "MISSING";
    }
}
