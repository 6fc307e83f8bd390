package dev.livesessions.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Duration;
import java.time.Instant;

/**
 * Closes the session if it has had no live signal for {@code inactiveFor} by {@code asOf}: what a cleanup run sends
 * for an active session that looks idle in the read model. The session decides on its own state.
 */
public record CloseIfInactive(@TargetAggregateIdentifier String sessionId, Instant asOf, Duration inactiveFor) {
}
