package dev.livesessions.api;

/** Why a session closed. */
public enum CloseReason {
    /** No live signal for a whole inactivity window. */
    INACTIVITY
}
