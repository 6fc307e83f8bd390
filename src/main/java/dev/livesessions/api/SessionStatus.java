package dev.livesessions.api;

/** Status of a session in the read model. */
public enum SessionStatus {
    ACTIVE,
    CLOSED
}
