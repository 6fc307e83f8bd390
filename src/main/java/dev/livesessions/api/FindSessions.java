package dev.livesessions.api;

/**
 * Sessions, newest first, of one tenant or all, optionally of one status, one cleanup status, or both (the sessions
 * that have both); {@code page} counts from 0. With neither given, archived and deleted sessions are left out.
 */
public record FindSessions(String tenantId, SessionStatus status, CleanupStatus cleanupStatus, int page, int size) {
}
