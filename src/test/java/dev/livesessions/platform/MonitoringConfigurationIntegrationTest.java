package dev.livesessions.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livesessions.Http;
import dev.livesessions.IntegrationTest;
import dev.livesessions.Metrics;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.livesessions.Http.uniqueTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The monitoring shipped in monitoring/ (the Prometheus alert rules and the Grafana dashboard) parses, has the
 * session-cleanup guide's alerts, and asks only for metrics the running service exposes: a renamed metric fails here
 * rather than silently in production.
 */
@IntegrationTest
class MonitoringConfigurationIntegrationTest {

    private static final Path ALERTS = Path.of("monitoring/prometheus/alerts.yml");
    private static final Path DASHBOARD = Path.of("monitoring/grafana/dashboards/live-sessions.json");
    /** PromQL words that are not metric names. */
    private static final Set<String> PROMQL = Set.of("sum", "max", "min", "avg", "rate", "increase", "by", "on",
                                                     "and", "or", "unless", "without", "histogram_quantile");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    @LocalServerPort
    int port;

    @Test
    void theGuidesAlertsAreThereWithItsThresholds() throws IOException {
        Map<String, Map<String, Object>> rules = alertRules();

        assertThat(rules.get("TooManyCleanupCandidates").get("expr").toString())
                .contains("live_sessions_cleanup_candidates").contains("> 100");
        assertThat(rules.get("LowActivityRate").get("expr").toString())
                .contains("live_sessions_activity_rate").contains("< 0.5");
        assertThat(rules.get("CleanupFailed").get("expr").toString())
                .contains("live_sessions_cleanup_runs_total{status=\"failed\"}");
        rules.forEach((name, rule) -> {
            assertThat(rule).as(name).containsKeys("expr", "labels", "annotations");
            assertThat(rule.get("annotations").toString()).as(name).contains("summary=");
        });
    }

    @Test
    void alertsAndDashboardAskOnlyForMetricsTheServiceExposes() throws IOException {
        Http http = new Http(port);
        String tenant = uniqueTenant("mon");
        http.createTenant(tenant, null, "+33611111111");
        http.message(tenant, "m1", "+33611111111", "live");
        // Axon's event processor meters appear once the read models have handled an event.
        await().atMost(Duration.ofSeconds(15)).until(() -> Metrics.scrape(http).value(
                "eventProcessor_successCounter_total", "processorName=\"read-models\"") > 0);
        Set<String> exposed = Metrics.scrape(http).names();

        List<String> expressions = new ArrayList<>();
        alertRules().values().forEach(rule -> expressions.add(rule.get("expr").toString()));
        new ObjectMapper().readTree(DASHBOARD.toFile()).get("panels")
                          .forEach(panel -> panel.get("targets")
                                                 .forEach(target -> expressions.add(target.get("expr").asText())));

        assertThat(expressions).hasSizeGreaterThan(20);
        for (String expression : expressions) {
            assertThat(exposed).as(expression).containsAll(metricsIn(expression));
        }
    }

    @Test
    void theDashboardIsProvisionedFromTheFolderComposeMounts() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        assertThat(dashboard.get("uid").asText()).isEqualTo("live-sessions");
        assertThat(Files.readString(Path.of("docker-compose.yml")))
                .contains("./monitoring/grafana/dashboards:/var/lib/grafana/dashboards")
                .contains("./monitoring/prometheus/alerts.yml:/etc/prometheus/alerts.yml");
        assertThat(Files.readString(Path.of("monitoring/grafana/provisioning/dashboards/live-sessions.yml")))
                .contains("path: /var/lib/grafana/dashboards");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> alertRules() throws IOException {
        try (Reader reader = Files.newBufferedReader(ALERTS)) {
            Map<String, Object> file = new Yaml().load(reader);
            Map<String, Map<String, Object>> rules = new LinkedHashMap<>();
            for (Map<String, Object> group : (List<Map<String, Object>>) file.get("groups")) {
                for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                    rules.put(rule.get("alert").toString(), rule);
                }
            }
            return rules;
        }
    }

    /** The metric names in a PromQL expression: identifiers outside label matchers, grouping clauses and ranges. */
    static Set<String> metricsIn(String expression) {
        String bare = expression.replaceAll("\\{[^}]*}", " ")
                                .replaceAll("\\[[^]]*]", " ")
                                .replaceAll("\\b(by|on|without)\\s*\\([^)]*\\)", " ");
        Set<String> names = new LinkedHashSet<>();
        Matcher identifier = IDENTIFIER.matcher(bare);
        while (identifier.find()) {
            String word = identifier.group();
            if (!PROMQL.contains(word)) {
                names.add(word);
            }
        }
        return names;
    }
}
