package dev.livesessions.api;

/**
 * Sessions, newest first, of one tenant or all, optionally of one status or cleanup status; {@code page} counts
 * from 0. With neither status given, archived and deleted sessions are left out.
 */
public record FindSessions(String tenantId, SessionStatus status, CleanupStatus cleanupStatus, int page, int size) {
}
