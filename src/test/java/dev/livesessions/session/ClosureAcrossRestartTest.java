package dev.livesessions.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livesessions.Http;
import dev.livesessions.LiveSessionsApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The service as a newcomer runs it, on its embedded PostgreSQL with a data directory kept between runs: a session
 * whose window passes while the service is stopped is closed after the restart, at last activity plus the window.
 */
class ClosureAcrossRestartTest {

    @TempDir
    Path dataDirectory;

    @Test
    void aSessionWhoseWindowPassesWhileTheServiceIsDownIsClosedAfterRestartAtTheRightTime() throws Exception {
        String sessionId;
        Instant lastActivity;
        // The first run stops before its deadline is due: it never polls for due deadlines after starting.
        try (ConfigurableApplicationContext firstRun = start("--db-scheduler.polling-interval=1h")) {
            Http http = http(firstRun);
            assertThat(http.createTenant("restart", "PT2S", "+33600000000").status()).isEqualTo(201);
            sessionId = http.message("restart", "m1", "+33600000000", "Live!").body().get("sessionId").asText();
            lastActivity = Instant.parse(firstRun.getBean(JdbcTemplate.class).queryForObject(
                    "SELECT convert_from(payload, 'UTF8')::json ->> 'at' FROM domain_event_entry "
                            + "WHERE payload_type = 'dev.livesessions.api.ActivityRecorded'", String.class));
        }
        Duration untilWindowPassed = Duration.between(Instant.now(), lastActivity.plusSeconds(3));
        if (!untilWindowPassed.isNegative()) {
            Thread.sleep(untilWindowPassed.toMillis());
        }

        Instant restartedAt = Instant.now();
        try (ConfigurableApplicationContext secondRun = start()) {
            Http http = http(secondRun);
            JsonNode session = await().atMost(Duration.ofSeconds(30))
                                      .until(() -> http.get("/api/sessions/" + sessionId).body(),
                                             body -> body != null && "CLOSED".equals(body.path("status").asText()));

            assertThat(Instant.parse(session.get("closedAt").asText())).isEqualTo(lastActivity.plusSeconds(2));
            JdbcTemplate jdbc = secondRun.getBean(JdbcTemplate.class);
            Map<String, Object> closing = jdbc.queryForMap(
                    "SELECT time_stamp, global_index FROM domain_event_entry WHERE aggregate_identifier = ? "
                            + "AND payload_type = 'dev.livesessions.api.LiveSessionClosed'", sessionId);
            assertThat(Instant.parse((String) closing.get("time_stamp"))).isAfter(restartedAt);
            // Created and ActivityRecorded took 1 and 2 before the restart: the index goes on, it does not jump.
            assertThat(closing.get("global_index")).isEqualTo(3L);
        }
    }

    private ConfigurableApplicationContext start(String... arguments) {
        String[] common = {"--server.port=0",
                           "--live-sessions.embedded-database.data-directory=" + dataDirectory};
        String[] all = new String[common.length + arguments.length];
        System.arraycopy(common, 0, all, 0, common.length);
        System.arraycopy(arguments, 0, all, common.length, arguments.length);
        return new SpringApplicationBuilder(LiveSessionsApplication.class).run(all);
    }

    private static Http http(ConfigurableApplicationContext context) {
        return new Http(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")));
    }
}
