package dev.livesessions.api;

/** Session statistics of one tenant, or of all tenants when {@code tenantId} is null. */
public record FindStats(String tenantId) {
}
