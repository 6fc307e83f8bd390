package dev.livesessions.api;

import java.time.Instant;

/**
 * Asks a session to close if its inactivity window has passed by {@code asOf}. The session schedules it for itself
 * (as a persistent deadline) at the moment its window would pass.
 */
public record CloseIfInactive(Instant asOf) {
}
