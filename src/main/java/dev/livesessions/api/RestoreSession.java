package dev.livesessions.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/** Brings an archived or deleted session back, as a closed session. */
public record RestoreSession(@TargetAggregateIdentifier String sessionId, Instant at) {
}
