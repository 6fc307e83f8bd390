package dev.livesessions.query;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * The running totals of one tenant, kept by {@link SessionProjection} and read by {@link SessionStatistics}. The
 * queries read it through JPA; the projection reads and writes its row by hand ({@link #read}, {@link #write}).
 */
@Entity
@Table(name = "tenant_stats")
class TenantStatsEntry {

    @Id
    private String tenantId;
    private long activeSessions;
    private long inactiveSessions;
    private long archivedSessions;
    private long deletedSessions;
    private long noticedSessions;
    private long liveMessages;
    private long closings;
    private long closedDurationMillis;
    /** The sum of the inactive sessions' idle-since instants, in epoch seconds: the average idle time's numerator. */
    @Column(name = "inactive_last_activity_seconds") // named before a restore counted: V21
    private long inactiveIdleSinceSeconds;

    /** The row's columns, in the order {@link #write} sets them. */
    static final List<String> COLUMNS = List.of(
            "tenant_id", "active_sessions", "inactive_sessions", "archived_sessions", "deleted_sessions",
            "noticed_sessions", "live_messages", "closings", "closed_duration_millis", "inactive_last_activity_seconds");

    protected TenantStatsEntry() {
        // for JPA
    }

    static TenantStatsEntry read(ResultSet row) throws SQLException {
        TenantStatsEntry entry = new TenantStatsEntry(row.getString("tenant_id"));
        entry.activeSessions = row.getLong("active_sessions");
        entry.inactiveSessions = row.getLong("inactive_sessions");
        entry.archivedSessions = row.getLong("archived_sessions");
        entry.deletedSessions = row.getLong("deleted_sessions");
        entry.noticedSessions = row.getLong("noticed_sessions");
        entry.liveMessages = row.getLong("live_messages");
        entry.closings = row.getLong("closings");
        entry.closedDurationMillis = row.getLong("closed_duration_millis");
        entry.inactiveIdleSinceSeconds = row.getLong("inactive_last_activity_seconds");
        return entry;
    }

    /** Sets the statement's parameters 1 to {@code COLUMNS.size()} to this row's values. */
    void write(PreparedStatement statement) throws SQLException {
        statement.setString(1, tenantId);
        statement.setLong(2, activeSessions);
        statement.setLong(3, inactiveSessions);
        statement.setLong(4, archivedSessions);
        statement.setLong(5, deletedSessions);
        statement.setLong(6, noticedSessions);
        statement.setLong(7, liveMessages);
        statement.setLong(8, closings);
        statement.setLong(9, closedDurationMillis);
        statement.setLong(10, inactiveIdleSinceSeconds);
    }

    TenantStatsEntry(String tenantId) {
        this.tenantId = tenantId;
    }

    /** Adds ({@code sign} 1) or removes ({@code sign} -1) what a session in this standing counts for. */
    void count(Standing standing, int sign) {
        switch (standing.status()) {
            case ACTIVE -> activeSessions += sign;
            case CLOSED -> {
                inactiveSessions += sign;
                inactiveIdleSinceSeconds += sign * standing.idleSince().getEpochSecond();
                if (standing.noticed()) {
                    noticedSessions += sign;
                }
            }
            case ARCHIVED -> archivedSessions += sign;
            case DELETED -> deletedSessions += sign;
        }
    }

    void liveMessage() {
        liveMessages++;
    }

    void closing(Duration lasted) {
        closings++;
        closedDurationMillis += lasted.toMillis();
    }

    String tenantId() {
        return tenantId;
    }

    StatsTotals totals() {
        return new StatsTotals(activeSessions, inactiveSessions, archivedSessions, deletedSessions, noticedSessions,
                               liveMessages, closings, closedDurationMillis, inactiveIdleSinceSeconds);
    }
}
