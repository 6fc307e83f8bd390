package dev.livesessions.api;

/** What a cleanup run does to a session. */
public enum CleanupAction {
    CLOSE,
    ARCHIVE
}
