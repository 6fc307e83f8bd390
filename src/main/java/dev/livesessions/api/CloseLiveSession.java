package dev.livesessions.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/** Closes the session now, by hand (deactivate). Closing a session that is not active changes nothing. */
public record CloseLiveSession(@TargetAggregateIdentifier String sessionId, Instant at) {
}
