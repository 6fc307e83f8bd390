package dev.livesessions.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/** Deletes the session from every view; its stream keeps the deletion, and it can be restored. */
public record DeleteSession(@TargetAggregateIdentifier String sessionId, Instant at) {
}
