package dev.livesessions.query;

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
    private Instant closedAt;
    @Enumerated(EnumType.STRING)
    private CloseReason closeReason;
    private long sellerMessages;
    private long clientCodes;

    protected SessionEntry() {
        // for JPA
    }

    SessionEntry(String sessionId, String tenantId, long number, Duration inactivityWindow, Instant createdAt) {
        this.sessionId = sessionId;
        this.tenantId = tenantId;
        this.number = number;
        this.status = SessionStatus.ACTIVE;
        this.createdAt = createdAt;
        this.lastActivityAt = createdAt;
        this.inactivityWindowSeconds = inactivityWindow.toSeconds();
        this.expiresAt = createdAt.plus(inactivityWindow);
    }

    void recordActivity(SignalSource source, Instant at) {
        if (source == SignalSource.SELLER) {
            sellerMessages++;
        } else {
            clientCodes++;
        }
        if (at.isAfter(lastActivityAt)) {
            lastActivityAt = at;
            if (status == SessionStatus.ACTIVE) {
                expiresAt = at.plusSeconds(inactivityWindowSeconds);
            }
        }
    }

    void close(Instant at, CloseReason reason) {
        status = SessionStatus.CLOSED;
        closedAt = at;
        closeReason = reason;
        expiresAt = null;
    }

    Instant createdAt() {
        return createdAt;
    }

    SessionView view() {
        return new SessionView(sessionId, tenantId, number, status, createdAt, lastActivityAt, expiresAt, closedAt,
                               closeReason, Duration.ofSeconds(inactivityWindowSeconds), sellerMessages, clientCodes);
    }
}
