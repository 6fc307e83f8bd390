package dev.livesessions.api;

import org.axonframework.serialization.Revision;

import java.time.Instant;

/** The session was deleted by hand: it leaves every view and statistic; its stream keeps this event. */
@Revision("1")
public record SessionDeleted(String sessionId, String tenantId, Instant deletedAt) implements LiveSessionEvent {
}
