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

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The session read model: one row per session, kept by {@link SessionProjection}. */
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
    /** The sequence number of the last of the session's events applied to this row. */
    private long lastEventSequence;

    protected SessionEntry() {
        // for JPA
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
        return new Standing(tenantId, status, status == SessionStatus.CLOSED && archiveNoticeAt != null,
                            lastActivityAt);
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

    void restored() {
        status = SessionStatus.CLOSED;
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

    SessionView view(Instant now) {
        return new SessionView(sessionId, tenantId, number, status, cleanupStatus(now), createdAt, lastActivityAt,
                               expiresAt, closedAt, closeReason, Duration.ofSeconds(inactivityWindowSeconds),
                               sellerMessages, clientCodes, autoCleanup, archiveAt, archiveNoticeAt, archivedAt,
                               deletedAt);
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
