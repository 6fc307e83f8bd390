package dev.livesessions.api;

/** An event in a live session's stream. Every one names its session and its tenant. */
public interface LiveSessionEvent {

    String sessionId();

    String tenantId();
}
