package dev.livesessions.ingestion;

import dev.livesessions.Http;
import dev.livesessions.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

@IntegrationTest
class InboundMessageLogIntegrationTest {

    @Autowired
    InboundMessageLog log;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void idsOlderThanTheRetentionAreForgottenAndRecentOnesKept() {
        String tenant = Http.uniqueTenant("prune");
        Instant now = Instant.now();
        for (int i = 0; i < 12_000; i += 1_000) {
            jdbc.update("INSERT INTO inbound_message SELECT ?, 'old-' || g, ? FROM generate_series(?, ?) g",
                        tenant, Timestamp.from(now.minus(Duration.ofDays(8))), i, i + 999);
        }
        jdbc.update("INSERT INTO inbound_message VALUES (?, 'recent', ?)", tenant, Timestamp.from(now));

        log.forgetBefore(now.minus(Duration.ofDays(7)));

        assertThat(jdbc.queryForList("SELECT message_id FROM inbound_message WHERE tenant_id = ?", String.class,
                                     tenant)).containsExactly("recent");
    }

    @Test
    void forgettingIsScheduledAsARecurringTask() {
        assertThat(jdbc.queryForObject("SELECT count(*) FROM scheduled_tasks WHERE task_name = 'forget-old-message-ids'",
                                       Long.class)).isEqualTo(1);
    }
}
