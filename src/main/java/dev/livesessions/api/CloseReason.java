package dev.livesessions.api;

/** Why a session closed. */
public enum CloseReason {
    /** No live signal for a whole inactivity window. */
    INACTIVITY,
    /**
     * Someone closed it: deactivate, a delete, or a cleanup run that found it idle for less than its window (closed
     * as of when it became idle enough for the run). A cleanup run, a delete or a deactivate that finds a session
     * past its natural end closes it as that end's reason.
     */
    MANUAL,
    /** It reached the maximum lifespan, however busy it was. */
    MAX_LIFESPAN
}
