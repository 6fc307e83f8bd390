package dev.livesessions.query;

import dev.livesessions.IntegrationTest;
import dev.livesessions.LiveSessionsProperties;
import dev.livesessions.api.FindStats;
import dev.livesessions.tenant.TenantDirectory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import java.sql.Date;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

import static dev.livesessions.Http.uniqueTenant;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Old" sessions (idle longer than the archive delay), counted at an hour of 1990 so that only this test's idle days
 * are old enough to count.
 */
@IntegrationTest
class SessionStatisticsIntegrationTest {

    private static final Instant NOW = Instant.parse("1990-01-03T06:00:00Z");

    @Autowired
    TenantStatsRepository stats;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    TenantDirectory tenants;
    @Autowired
    LiveSessionsProperties properties;

    /** Not registered: its sessions are archived after the global delay. */
    private final String tenant = uniqueTenant("old");

    @AfterEach
    void forgetTheIdleDays() {
        jdbc.update("DELETE FROM tenant_idle_day WHERE tenant_id = ?", tenant);
    }

    /** With 36 h, a session idle since 1990-01-01 18:00 or later is not old at 1990-01-03 06:00. */
    @Test
    void aGlobalDelayOfHoursCountsTheSameOldSessionsForOneTenantAndForAll() {
        idle(LocalDate.parse("1989-12-31"), 2);
        idle(LocalDate.parse("1990-01-01"), 1);
        SessionStatistics statistics = new SessionStatistics(stats, jdbc, tenants, archivingAfter(Duration.ofHours(36)),
                                                             Clock.fixed(NOW, ZoneOffset.UTC));

        assertThat(statistics.handle(new FindStats(tenant)).oldSessions()).isEqualTo(2);
        assertThat(statistics.handle(new FindStats(null)).oldSessions()).isEqualTo(2);
    }

    private void idle(LocalDate day, long sessions) {
        jdbc.update("INSERT INTO tenant_idle_day (tenant_id, day, sessions) VALUES (?, ?, ?)", tenant,
                    Date.valueOf(day), sessions);
    }

    private LiveSessionsProperties archivingAfter(Duration delay) {
        LiveSessionsProperties.Cleanup cleanup = properties.cleanup();
        return new LiveSessionsProperties(
                properties.inactivityWindow(), properties.inactiveHours(), properties.maxLifespan(),
                new LiveSessionsProperties.Cleanup(cleanup.enabled(), delay, cleanup.autoCleanupDefault(),
                                                   cleanup.archiveNotice(), cleanup.runBatchSize(),
                                                   cleanup.noticeRetryDelay(), cleanup.noticeAttempts(),
                                                   cleanup.noticeTimeout(), cleanup.noticeThreads(),
                                                   cleanup.runAbandonedAfter()),
                properties.signals(), properties.recorder(), properties.tenants(), properties.webhooks(),
                properties.whatsapp(), properties.security(), properties.embeddedDatabase());
    }
}
