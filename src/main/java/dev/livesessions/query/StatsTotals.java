package dev.livesessions.query;

/** Running totals of one tenant, or of several summed. */
record StatsTotals(long activeSessions, long inactiveSessions, long archivedSessions, long deletedSessions,
                   long noticedSessions, long liveMessages, long closings, long closedDurationMillis,
                   long inactiveIdleSinceSeconds) {

    static final StatsTotals NONE = new StatsTotals(0, 0, 0, 0, 0, 0, 0, 0, 0);

    StatsTotals plus(StatsTotals other) {
        return new StatsTotals(activeSessions + other.activeSessions, inactiveSessions + other.inactiveSessions,
                               archivedSessions + other.archivedSessions, deletedSessions + other.deletedSessions,
                               noticedSessions + other.noticedSessions, liveMessages + other.liveMessages,
                               closings + other.closings, closedDurationMillis + other.closedDurationMillis,
                               inactiveIdleSinceSeconds + other.inactiveIdleSinceSeconds);
    }
}
