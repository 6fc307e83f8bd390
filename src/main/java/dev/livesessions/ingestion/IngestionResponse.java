package dev.livesessions.ingestion;

/**
 * What happened to an inbound message.
 *
 * @param sessionId the session the live signal was recorded in; null when it is not a live signal or a duplicate
 * @param created   whether this message opened that session
 * @param duplicate the message id was already stored: nothing changed
 */
record IngestionResponse(String messageId, Classification classification, boolean liveSignal, String sessionId,
                         boolean created, boolean duplicate, String correlationId) {
}
