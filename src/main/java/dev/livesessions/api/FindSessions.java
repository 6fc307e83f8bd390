package dev.livesessions.api;

/** Sessions, newest first, optionally of one tenant and one status; {@code page} counts from 0. */
public record FindSessions(String tenantId, SessionStatus status, int page, int size) {
}
