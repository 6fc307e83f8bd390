package dev.livesessions.api;

import java.util.EnumSet;
import java.util.Set;

/** A session as the cleanup sees it. */
public enum CleanupStatus {
    /** Active, within its window. */
    ACTIVE(EnumSet.of(SessionStatus.ACTIVE)),
    /** Closed, not about to be archived. */
    INACTIVE(EnumSet.of(SessionStatus.CLOSED)),
    /** In the notice period before its automatic archive, or active past its window (a cleanup run would close it). */
    CANDIDATE(EnumSet.of(SessionStatus.ACTIVE, SessionStatus.CLOSED)),
    ARCHIVED(EnumSet.of(SessionStatus.ARCHIVED)),
    DELETED(EnumSet.of(SessionStatus.DELETED));

    private final Set<SessionStatus> statuses;

    CleanupStatus(Set<SessionStatus> statuses) {
        this.statuses = statuses;
    }

    /** The statuses a session with this cleanup status can have. */
    public Set<SessionStatus> statuses() {
        return EnumSet.copyOf(statuses);
    }
}
