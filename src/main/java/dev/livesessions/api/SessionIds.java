package dev.livesessions.api;

/**
 * A session is the n-th live of its tenant, and its id says so: {@code acme.12}. Because the id is derived, two
 * attempts to open the same next session collide on the event store's unique (aggregate id, sequence number) key.
 */
public final class SessionIds {

    private SessionIds() {
    }

    public static String of(String tenantId, long number) {
        return tenantId + "." + number;
    }

    /** The tenant of a session id; for a string that is no session id, a tenant id no tenant has. */
    public static String tenantOf(String sessionId) {
        int dot = sessionId.lastIndexOf('.');
        return dot < 0 ? "" : sessionId.substring(0, dot);
    }
}
