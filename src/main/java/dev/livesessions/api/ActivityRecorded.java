package dev.livesessions.api;

import org.axonframework.serialization.Revision;

import java.time.Instant;

/** A live signal was counted in the session; its {@code at} is the session's new last activity. */
@Revision("1")
public record ActivityRecorded(String sessionId, String tenantId, String messageId, SignalSource source, String code,
                               Instant sentAt, Instant at) implements LiveSessionEvent {
}
