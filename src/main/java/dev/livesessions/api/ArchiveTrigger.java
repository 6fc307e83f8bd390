package dev.livesessions.api;

/** What archived a session. */
public enum ArchiveTrigger {
    /** Its own archive deadline: idle for the tenant's archive delay, with auto-cleanup on. */
    AUTOMATIC,
    /** A cleanup run. */
    CLEANUP_RUN
}
