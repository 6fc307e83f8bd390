package dev.livesessions.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Duration;
import java.time.Instant;

/**
 * Archives the session if it has auto-cleanup on and has been idle for {@code idleFor} by {@code asOf}: what a
 * cleanup run sends. A session still active is closed first.
 */
public record ArchiveIfIdle(@TargetAggregateIdentifier String sessionId, Instant asOf, Duration idleFor) {
}
