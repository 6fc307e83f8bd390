package dev.livesessions.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livesessions.Http;
import dev.livesessions.IntegrationTest;
import dev.livesessions.Metrics;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static dev.livesessions.Http.uniqueTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/** What operators see: health, the service's metrics at /actuator/prometheus, and JSON logs with correlation ids. */
@IntegrationTest
@ExtendWith(OutputCaptureExtension.class)
class ObservabilityIntegrationTest {

    private static final String SELLER = "+33611111111";
    private static final String CLIENT = "+33622222222";
    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;

    private Http http;
    private String tenant;

    @BeforeEach
    void aTenantWithAOneSecondWindow() {
        http = new Http(port);
        tenant = uniqueTenant("obs");
        http.createTenant(tenant, "PT1S", SELLER);
    }

    @Test
    void healthCoversTheDatabaseTheProcessorsTheReadModelsAndBothSchedulers() {
        JsonNode health = http.get("/actuator/health").body();

        assertThat(health.get("status").asText()).isEqualTo("UP");
        for (String component : new String[] {"db", "dbScheduler", "archiveNotices", "eventProcessors", "readModels"}) {
            assertThat(health.at("/components/" + component + "/status").asText()).as(component).isEqualTo("UP");
        }
        assertThat(health.at("/components/eventProcessors/details/read-models/running").asBoolean()).isTrue();
        assertThat(health.at("/components/eventProcessors/details/latest-sessions/running").asBoolean()).isTrue();
    }

    @Test
    void everyMessageIsCountedByWhatItIsAndEveryRefusalByItsStatus() {
        Metrics before = Metrics.scrape(http);

        http.message(tenant, "m1", SELLER, "on est en live");
        http.message(tenant, "m2", CLIENT, "A12");
        http.message(tenant, "m2", CLIENT, "A12");
        http.message(tenant, "m3", CLIENT, "stop");
        http.message(tenant, "m4", CLIENT, "bonjour");
        http.message(tenant, "m5", CLIENT, "  ");
        http.signed(tenant, "not json");
        http.postRaw("/webhooks/messages", "application/json", "{}");

        Metrics after = Metrics.scrape(http);
        assertThat(increase(before, after, "seller_message", "200")).isEqualTo(1);
        assertThat(increase(before, after, "client_code", "200")).isEqualTo(1);
        assertThat(increase(before, after, "duplicate", "200")).isEqualTo(1);
        assertThat(increase(before, after, "stop", "200")).isEqualTo(1);
        assertThat(increase(before, after, "chat", "200")).isEqualTo(1);
        assertThat(increase(before, after, "empty", "200")).isEqualTo(1);
        assertThat(increase(before, after, "rejected", "400")).isEqualTo(1);
        assertThat(increase(before, after, "rejected", "401")).isEqualTo(1);
        // Present before any message went unstored, so that alerts see the first as an increase from zero.
        assertThat(after.samples().keySet()).anyMatch(sample -> sample.startsWith("live_sessions_messages_total{")
                                                                && sample.contains("classification=\"not_stored\""));
    }

    @Test
    void sessionsOpenedAndClosedAreCountedWithHowLateTheClosureCame() {
        Metrics before = Metrics.scrape(http);

        String sessionId = http.message(tenant, "m1", SELLER, "live").body().get("sessionId").asText();
        await().atMost(Duration.ofSeconds(15)).until(
                () -> "CLOSED".equals(http.get("/api/sessions/" + sessionId).body().path("status").asText()));

        Metrics after = Metrics.scrape(http);
        assertThat(after.value("live_sessions_sessions_opened_total"))
                .isGreaterThanOrEqualTo(before.value("live_sessions_sessions_opened_total") + 1);
        assertThat(after.value("live_sessions_sessions_closed_total", "reason=\"inactivity\""))
                .isGreaterThanOrEqualTo(before.value("live_sessions_sessions_closed_total", "reason=\"inactivity\"") + 1);
        String lateness = "live_sessions_sessions_close_lateness_seconds_count";
        assertThat(after.value(lateness)).isGreaterThanOrEqualTo(before.value(lateness) + 1);
        // The deadline scheduler looks for due closures every second: a closure comes within about that. (The
        // metric's maximum is the whole service's, with other tests' sessions closed days late on purpose.)
        assertThat(http.closureLateness(sessionId)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void theStatisticsAreGauges() {
        // A session that stays active for the whole test: the other tests' close within a second.
        String longLived = uniqueTenant("obs-hour");
        http.createTenant(longLived, "PT1H", SELLER);
        http.message(longLived, "m1", SELLER, "live");

        // A scrape reads the statistics again once those it holds are 5 s old: the gauges match them once they do.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Metrics metrics = Metrics.scrape(http);
            JsonNode stats = http.get("/api/stats").body();
            assertThat(metrics.value("live_sessions_sessions", "state=\"active\""))
                    .isPositive().isEqualTo(stats.get("activeSessions").asDouble());
            for (String state : new String[] {"inactive", "old", "archived", "deleted"}) {
                assertThat(metrics.value("live_sessions_sessions", "state=\"" + state + "\"")).as(state)
                        .isEqualTo(stats.get(state + "Sessions").asDouble());
            }
            assertThat(metrics.value("live_sessions_activity_rate"))
                    .isCloseTo(stats.get("activityRate").asDouble(), within(1e-9));
        });
        assertThat(Metrics.scrape(http).names())
                .contains("live_sessions_cleanup_candidates", "live_sessions_read_models_lag",
                          "live_sessions_read_models_dead_letters", "live_sessions_cleanup_runs_total",
                          "commandBus_successCounter_total", "eventProcessor_latency");
    }

    @Test
    void axonMeasuresTheReadModelsButNotTheProcessorsInsideTheWritersTransaction() {
        http.message(tenant, "m1", SELLER, "live");

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            Metrics scraped = Metrics.scrape(http);
            assertThat(scraped.value("eventProcessor_successCounter_total", "processorName=\"read-models\""))
                    .isPositive();
            assertThat(scraped.value("eventProcessor_allTimer_seconds_count", "processorName=\"read-models\""))
                    .isPositive();
        });
        Metrics metrics = Metrics.scrape(http);
        for (String inTheWritersTransaction : new String[] {"latest-sessions", "session-monitoring"}) {
            assertThat(metrics.samples().keySet())
                    .noneMatch(sample -> sample.contains("processorName=\"" + inTheWritersTransaction + "\""));
        }
        assertThat(metrics.value("commandBus_allTimer_seconds_count")).isPositive();
        // Axon's capacity gauges keep every message of the last ten minutes in memory (ADR 28).
        assertThat(metrics.names()).doesNotContain("eventProcessor_capacity", "commandBus_capacity", "queryBus_capacity");
    }

    @Test
    void logsAreJsonLinesCarryingTheCorrelationIdOfTheMessageThatCausedThem(CapturedOutput output) {
        String correlationId = "corr-" + tenant;
        String body = Http.write(Map.of("messageId", "m1", "tenantId", tenant, "sender", SELLER,
                                                  "text", "live", "correlationId", correlationId));
        String sessionId = http.signed(tenant, body).body().get("sessionId").asText();

        Optional<JsonNode> opened = output.getOut().lines()
                .filter(line -> line.contains(sessionId + " of tenant"))
                .map(ObservabilityIntegrationTest::json)
                .findFirst();
        assertThat(opened).isPresent();
        assertThat(opened.get().get("message").asText()).contains("opened");
        assertThat(opened.get().get("correlationId").asText()).isEqualTo(correlationId);
        assertThat(opened.get().at("/log/level").asText()).isEqualTo("INFO");
    }

    @Test
    void everyAnswerCarriesTheCallersCorrelationIdOrANewOne() {
        Http.Response given = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/stats"))
                                                   .header("X-Correlation-Id", "trace-42").GET());
        Http.Response made = http.get("/api/stats");

        assertThat(given.headers().firstValue("X-Correlation-Id")).contains("trace-42");
        assertThat(made.headers().firstValue("X-Correlation-Id")).hasValueSatisfying(id -> assertThat(id).hasSize(36));
    }

    private static double increase(Metrics before, Metrics after, String classification, String status) {
        String[] labels = {"classification=\"" + classification + "\"", "status=\"" + status + "\""};
        return after.value("live_sessions_messages_total", labels)
               - before.value("live_sessions_messages_total", labels);
    }

    private static JsonNode json(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new AssertionError("A log line is not JSON: " + line, e);
        }
    }
}
