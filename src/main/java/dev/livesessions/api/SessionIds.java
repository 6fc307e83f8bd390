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
}
