package dev.livesessions.api;

import java.time.Duration;

/**
 * What a session opens with, from its tenant's settings at that moment.
 *
 * @param inactivityWindow the session closes after this long without a live signal
 * @param autoCleanup      whether the session is archived automatically once it has been idle long enough
 * @param maxLifespan      the session closes this long after it opened, however busy; null for no cap
 */
public record SessionTerms(Duration inactivityWindow, boolean autoCleanup, Duration maxLifespan) {
}
