package dev.livesessions.query;

/** The stats rows of all tenants, summed. */
record StatsTotals(long totalSessions, long activeSessions, long closedSessions, long liveMessages,
                   long closedDurationMillis) {
}
