package dev.livesessions.api;

/** Why a session closed. */
public enum CloseReason {
    /** No live signal for a whole inactivity window. */
    INACTIVITY,
    /** Someone closed it (deactivate, or a delete or archive of an active session). */
    MANUAL,
    /** It reached the maximum lifespan, however busy it was. */
    MAX_LIFESPAN
}
