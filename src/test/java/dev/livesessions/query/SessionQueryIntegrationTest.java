package dev.livesessions.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livesessions.Http;
import dev.livesessions.IntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

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

    private Http http;

    @BeforeEach
    void setUp() {
        http = new Http(port);
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
        assertThat(ids("?tenantId=" + tenant + "&status=CLOSED&cleanupStatus=CANDIDATE")).isEmpty();
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
