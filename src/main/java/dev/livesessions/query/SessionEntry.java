package dev.livesessions.query;

import dev.livesessions.api.CleanupStatus;
import dev.livesessions.api.CloseReason;
import dev.livesessions.api.SessionStatus;
import dev.livesessions.api.SessionView;
import dev.livesessions.api.SignalSource;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static dev.livesessions.query.Rows.instant;
import static dev.livesessions.query.Rows.setInstant;
import static dev.livesessions.query.Rows.setString;

/**
 * The session read model: one row per session, kept by {@link SessionProjection}. The queries read it through JPA;
 * the projection reads and writes its row by hand ({@link #read}, {@link #write}), in batches of plain statements.
 */
@Entity
@Table(name = "live_session")
class SessionEntry {

    @Id
    private String sessionId;
    private String tenantId;
    private long number;
    @Enumerated(EnumType.STRING)
    private SessionStatus status;
    private Instant createdAt;
    private Instant lastActivityAt;
    private long inactivityWindowSeconds;
    private Instant expiresAt;
    private Instant lifespanEndsAt;
    private Instant closedAt;
    @Enumerated(EnumType.STRING)
    private CloseReason closeReason;
    private long sellerMessages;
    private long clientCodes;
    private boolean autoCleanup;
    private Instant archiveAt;
    private Instant archiveNoticeAt;
    private Instant archivedAt;
    private Instant deletedAt;
    /** When it was last restored: from then on it counts as idle. */
    private Instant restoredAt;
    /** The sequence number of the last of the session's events applied to this row. */
    private long lastEventSequence;

    /** The row's columns, in the order {@link #write} sets them. */
    static final List<String> COLUMNS = List.of(
            "session_id", "tenant_id", "number", "status", "created_at", "last_activity_at",
            "inactivity_window_seconds", "expires_at", "lifespan_ends_at", "closed_at", "close_reason",
            "seller_messages", "client_codes", "auto_cleanup", "archive_at", "archive_notice_at", "archived_at",
            "deleted_at", "last_event_sequence", "restored_at");

    protected SessionEntry() {
        // for JPA
    }

    static SessionEntry read(ResultSet row) throws SQLException {
        SessionEntry entry = new SessionEntry();
        entry.sessionId = row.getString("session_id");
        entry.tenantId = row.getString("tenant_id");
        entry.number = row.getLong("number");
        entry.status = SessionStatus.valueOf(row.getString("status"));
        entry.createdAt = instant(row, "created_at");
        entry.lastActivityAt = instant(row, "last_activity_at");
        entry.inactivityWindowSeconds = row.getLong("inactivity_window_seconds");
        entry.expiresAt = instant(row, "expires_at");
        entry.lifespanEndsAt = instant(row, "lifespan_ends_at");
        entry.closedAt = instant(row, "closed_at");
        String closeReason = row.getString("close_reason");
        entry.closeReason = closeReason == null ? null : CloseReason.valueOf(closeReason);
        entry.sellerMessages = row.getLong("seller_messages");
        entry.clientCodes = row.getLong("client_codes");
        entry.autoCleanup = row.getBoolean("auto_cleanup");
        entry.archiveAt = instant(row, "archive_at");
        entry.archiveNoticeAt = instant(row, "archive_notice_at");
        entry.archivedAt = instant(row, "archived_at");
        entry.deletedAt = instant(row, "deleted_at");
        entry.lastEventSequence = row.getLong("last_event_sequence");
        entry.restoredAt = instant(row, "restored_at");
        return entry;
    }

    /** Sets the statement's parameters 1 to {@code COLUMNS.size()} to this row's values. */
    void write(PreparedStatement statement) throws SQLException {
        statement.setString(1, sessionId);
        statement.setString(2, tenantId);
        statement.setLong(3, number);
        statement.setString(4, status.name());
        setInstant(statement, 5, createdAt);
        setInstant(statement, 6, lastActivityAt);
        statement.setLong(7, inactivityWindowSeconds);
        setInstant(statement, 8, expiresAt);
        setInstant(statement, 9, lifespanEndsAt);
        setInstant(statement, 10, closedAt);
        setString(statement, 11, closeReason == null ? null : closeReason.name());
        statement.setLong(12, sellerMessages);
        statement.setLong(13, clientCodes);
        statement.setBoolean(14, autoCleanup);
        setInstant(statement, 15, archiveAt);
        setInstant(statement, 16, archiveNoticeAt);
        setInstant(statement, 17, archivedAt);
        setInstant(statement, 18, deletedAt);
        statement.setLong(19, lastEventSequence);
        setInstant(statement, 20, restoredAt);
    }

    /** @param maxLifespan the session's cap, or null when it has none */
    SessionEntry(String sessionId, String tenantId, long number, Duration inactivityWindow, Duration maxLifespan,
                 Instant createdAt, boolean autoCleanup) {
        this.sessionId = sessionId;
        this.tenantId = tenantId;
        this.number = number;
        this.status = SessionStatus.ACTIVE;
        this.createdAt = stored(createdAt);
        this.lastActivityAt = this.createdAt;
        this.inactivityWindowSeconds = inactivityWindow.toSeconds();
        this.lifespanEndsAt = maxLifespan == null ? null : this.createdAt.plus(maxLifespan);
        this.expiresAt = naturalEnd();
        this.autoCleanup = autoCleanup;
    }

    /** Whether the session's event with this sequence number was applied already (it is delivered again). */
    boolean hasApplied(long eventSequence) {
        return eventSequence <= lastEventSequence;
    }

    void applied(long eventSequence) {
        lastEventSequence = eventSequence;
    }

    /** The sequence number of the last event applied: it moves whenever the row changes. */
    long lastEventSequence() {
        return lastEventSequence;
    }

    /** When the session closes if nothing happens: the end of its window, or of its lifespan if that comes first. */
    private Instant naturalEnd() {
        Instant windowEnd = lastActivityAt.plusSeconds(inactivityWindowSeconds);
        return lifespanEndsAt != null && lifespanEndsAt.isBefore(windowEnd) ? lifespanEndsAt : windowEnd;
    }

    /**
     * Times are kept at the database's precision (microseconds), so that an entry reads the same whether it was just
     * created in memory or loaded back from its row: a rebuild must give the same read models as the live run.
     */
    private static Instant stored(Instant at) {
        return at.truncatedTo(ChronoUnit.MICROS);
    }

    Standing standing() {
        Instant idleSince = restoredAt != null && restoredAt.isAfter(lastActivityAt) ? restoredAt : lastActivityAt;
        return new Standing(tenantId, status, status == SessionStatus.CLOSED && archiveNoticeAt != null, idleSince);
    }

    void recordActivity(SignalSource source, Instant at) {
        if (source == SignalSource.SELLER) {
            sellerMessages++;
        } else {
            clientCodes++;
        }
        if (stored(at).isAfter(lastActivityAt)) {
            lastActivityAt = stored(at);
            expiresAt = naturalEnd();
        }
    }

    void close(Instant at, CloseReason reason) {
        status = SessionStatus.CLOSED;
        closedAt = stored(at);
        closeReason = reason;
        expiresAt = null;
    }

    void archiveScheduled(Instant at) {
        archiveAt = stored(at);
        archiveNoticeAt = null;
    }

    void archiveCancelled() {
        clearArchiveSchedule();
    }

    void archiveNoticeIssued(Instant at) {
        archiveNoticeAt = stored(at);
    }

    void archived(Instant at) {
        status = SessionStatus.ARCHIVED;
        archivedAt = stored(at);
        clearArchiveSchedule();
    }

    void deleted(Instant at) {
        status = SessionStatus.DELETED;
        deletedAt = stored(at);
        clearArchiveSchedule();
    }

    void restored(Instant at) {
        status = SessionStatus.CLOSED;
        restoredAt = stored(at);
        archivedAt = null;
        deletedAt = null;
    }

    void autoCleanup(boolean enabled) {
        autoCleanup = enabled;
        if (!enabled) {
            clearArchiveSchedule();
        }
    }

    String sessionId() {
        return sessionId;
    }

    String tenantId() {
        return tenantId;
    }

    Instant createdAt() {
        return createdAt;
    }

    /** Everything the row holds, as a verification compares it: its view, and the columns the view leaves out. */
    record Contents(SessionView view, Instant lifespanEndsAt, Instant restoredAt) {
    }

    Contents contents(Instant now) {
        return new Contents(view(now), lifespanEndsAt, restoredAt);
    }

    SessionView view(Instant now) {
        return new SessionView(sessionId, tenantId, number, status, cleanupStatus(now), createdAt, lastActivityAt,
                               expiresAt, closedAt, closeReason, Duration.ofSeconds(inactivityWindowSeconds),
                               sellerMessages, clientCodes, autoCleanup, archiveAt, archiveNoticeAt, archivedAt,
                               deletedAt, lastEventSequence);
    }

    private CleanupStatus cleanupStatus(Instant now) {
        return switch (status) {
            case ACTIVE -> expiresAt.isBefore(now) ? CleanupStatus.CANDIDATE : CleanupStatus.ACTIVE;
            case CLOSED -> archiveNoticeAt != null ? CleanupStatus.CANDIDATE : CleanupStatus.INACTIVE;
            case ARCHIVED -> CleanupStatus.ARCHIVED;
            case DELETED -> CleanupStatus.DELETED;
        };
    }

    private void clearArchiveSchedule() {
        archiveAt = null;
        archiveNoticeAt = null;
    }
}
