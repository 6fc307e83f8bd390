package dev.livesessions.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/** Turns the session's automatic archiving on or off. */
public record ChangeAutoCleanup(@TargetAggregateIdentifier String sessionId, boolean enabled, Instant at) {
}
