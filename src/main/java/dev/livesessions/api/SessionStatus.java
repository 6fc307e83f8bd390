package dev.livesessions.api;

/** Where a session is in its lifecycle, in the read model. */
public enum SessionStatus {
    ACTIVE,
    CLOSED,
    ARCHIVED,
    DELETED
}
