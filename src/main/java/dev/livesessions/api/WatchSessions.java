package dev.livesessions.api;

/**
 * A subscription to the sessions of one tenant, or of all when {@code tenantId} is null: its initial result is their
 * {@link SessionStats}, and each change to one of the sessions is an update, the {@link SessionView} after it.
 */
public record WatchSessions(String tenantId) {

    public boolean covers(String tenant) {
        return tenantId == null || tenantId.equals(tenant);
    }
}
