package dev.livesessions.api;

/** A session as the cleanup sees it. */
public enum CleanupStatus {
    /** Active, within its window. */
    ACTIVE,
    /** Closed, not about to be archived. */
    INACTIVE,
    /** In the notice period before its automatic archive, or active past its window (a cleanup run would close it). */
    CANDIDATE,
    ARCHIVED,
    DELETED
}
