package dev.livesessions.session;

/** The retention policy of each tenant; a session asks for its own when it closes or is restored. */
@FunctionalInterface
interface RetentionPolicies {

    RetentionPolicy of(String tenantId);
}
