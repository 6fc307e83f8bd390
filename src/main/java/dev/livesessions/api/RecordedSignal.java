package dev.livesessions.api;

/** Where a live signal was recorded, and whether it opened that session. */
public record RecordedSignal(String messageId, String sessionId, boolean openedSession) {
}
