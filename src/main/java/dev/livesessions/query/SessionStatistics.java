package dev.livesessions.query;

import dev.livesessions.LiveSessionsProperties;
import dev.livesessions.api.FindStats;
import dev.livesessions.api.SessionStats;
import dev.livesessions.api.WatchSessions;
import dev.livesessions.tenant.TenantDirectory;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * Answers the statistics queries from the running totals that {@link ReadModelUpdater} keeps as sessions move between
 * standings, so that no request counts sessions. Two figures depend on the time of the request: "old"
 * sessions are summed from per-day counts of inactive sessions, and overdue active sessions are counted through an
 * index on (status, expires_at), which holds at most one active session per tenant.
 */
@Component
class SessionStatistics {

    private static final String TOTALS = """
            SELECT coalesce(sum(active_sessions), 0), coalesce(sum(inactive_sessions), 0),
                   coalesce(sum(archived_sessions), 0), coalesce(sum(deleted_sessions), 0),
                   coalesce(sum(noticed_sessions), 0), coalesce(sum(live_messages), 0), coalesce(sum(closings), 0),
                   coalesce(sum(closed_duration_millis), 0), coalesce(sum(inactive_last_activity_seconds), 0)
            FROM tenant_stats
            """;

    private final TenantStatsRepository stats;
    private final JdbcTemplate jdbc;
    private final TenantDirectory tenants;
    private final Duration defaultArchiveAfter;
    private final Clock clock;

    SessionStatistics(TenantStatsRepository stats, JdbcTemplate jdbc, TenantDirectory tenants,
                      LiveSessionsProperties properties, Clock clock) {
        this.stats = stats;
        this.jdbc = jdbc;
        this.tenants = tenants;
        this.defaultArchiveAfter = properties.cleanup().archiveAfter();
        this.clock = clock;
    }

    /** The initial result of a subscription to the sessions: their statistics. */
    @QueryHandler
    SessionStats handle(WatchSessions query) {
        return handle(new FindStats(query.tenantId()));
    }

    @QueryHandler
    SessionStats handle(FindStats query) {
        Instant now = clock.instant();
        if (query.tenantId() == null) {
            StatsTotals totals = jdbc.queryForObject(TOTALS, (row, i) -> new StatsTotals(
                    row.getLong(1), row.getLong(2), row.getLong(3), row.getLong(4), row.getLong(5), row.getLong(6),
                    row.getLong(7), row.getLong(8), row.getLong(9)));
            return assemble(null, totals, oldSessionsOfAll(now), overdue(null, now), now);
        }
        StatsTotals totals = stats.findById(query.tenantId()).map(TenantStatsEntry::totals).orElse(StatsTotals.NONE);
        return assemble(query.tenantId(), totals, oldSessions(query.tenantId(), now), overdue(query.tenantId(), now),
                        now);
    }

    private SessionStats assemble(String tenantId, StatsTotals totals, long old, long overdue, Instant now) {
        long total = totals.activeSessions() + totals.inactiveSessions();
        long candidates = totals.noticedSessions() + overdue;
        double hoursInactive = totals.inactiveSessions() == 0 ? 0
                : (now.getEpochSecond() - (double) totals.inactiveIdleSinceSeconds() / totals.inactiveSessions())
                  / 3600;
        Duration averageDuration = totals.closings() == 0 ? Duration.ZERO
                : Duration.ofMillis(totals.closedDurationMillis() / totals.closings());
        return new SessionStats(tenantId, total, totals.activeSessions(), totals.inactiveSessions(), old,
                                totals.archivedSessions(), totals.deletedSessions(), candidates,
                                ratio(totals.activeSessions(), total), ratio(candidates, total), hoursInactive,
                                totals.liveMessages(), averageDuration);
    }

    private long oldSessions(String tenantId, Instant now) {
        Duration archiveAfter = tenants.find(tenantId).map(tenant -> tenant.archiveAfter()).orElse(defaultArchiveAfter);
        return jdbc.queryForObject("SELECT coalesce(sum(sessions), 0) FROM tenant_idle_day WHERE tenant_id = ? "
                                           + "AND day < ?", Long.class, tenantId,
                                   Date.valueOf(dayOf(now.minus(archiveAfter))));
    }

    /**
     * Each tenant against its own archive delay (the registry's override, in days, or the global one), with the day
     * reckoned as for one tenant: the global delay need not be whole days.
     */
    private long oldSessionsOfAll(Instant now) {
        return jdbc.queryForObject("""
                SELECT coalesce(sum(d.sessions), 0) FROM tenant_idle_day d LEFT JOIN tenant t ON t.id = d.tenant_id
                WHERE d.day < CASE WHEN t.archive_after_days IS NULL THEN CAST(? AS date)
                                   ELSE CAST(? AS date) - t.archive_after_days END
                """, Long.class, Date.valueOf(dayOf(now.minus(defaultArchiveAfter))), Date.valueOf(dayOf(now)));
    }

    private long overdue(String tenantId, Instant now) {
        String sql = "SELECT count(*) FROM live_session WHERE status = 'ACTIVE' AND expires_at < ?";
        return tenantId == null
                ? jdbc.queryForObject(sql, Long.class, Timestamp.from(now))
                : jdbc.queryForObject(sql + " AND tenant_id = ?", Long.class, Timestamp.from(now), tenantId);
    }

    private static LocalDate dayOf(Instant instant) {
        return LocalDate.ofInstant(instant, ZoneOffset.UTC);
    }

    private static double ratio(long part, long whole) {
        return whole == 0 ? 0 : (double) part / whole;
    }
}
