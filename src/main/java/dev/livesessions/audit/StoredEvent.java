package dev.livesessions.audit;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One event exactly as the event store keeps it: its place in the global stream and in its session's stream, its
 * type and the revision of that type it was written in, when it was stored, and its payload and metadata (the
 * correlation id, the provider's message id, who acted) as stored.
 */
record StoredEvent(long globalIndex, String sessionId, long sequence, String eventId, String type, String revision,
                   String timestamp, JsonNode payload, JsonNode metadata) {
}
