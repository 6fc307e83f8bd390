package dev.livesessions.api;

/** One session by id. */
public record FindSession(String sessionId) {
}
