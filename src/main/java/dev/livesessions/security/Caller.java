package dev.livesessions.security;

import dev.livesessions.api.SessionIds;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * Who is calling, as controllers receive it (a parameter of type {@code Caller}): a dashboard user or an API token,
 * with its role and, for a streamer or a viewer, its one tenant.
 * <p>
 * The checks answer 404 for another tenant's things, as if they did not exist: a caller learns nothing of tenants it
 * may not see. A viewer asking to change its own tenant's things is told 403.
 *
 * @param name     who, as recorded in events and changes: {@code user:<name>}, {@code token:<name>} or
 *                 {@code admin-token}
 * @param tenantId the tenant of a streamer or a viewer; null for an admin
 */
public record Caller(String name, Role role, String tenantId) {

    public boolean isAdmin() {
        return role == Role.ADMIN;
    }

    /** Refuses unless the caller may read the tenant's sessions, stats and events. */
    public void mayRead(String tenant) {
        if (!isAdmin() && !tenantId.equals(tenant)) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No tenant '" + tenant + "'");
        }
    }

    /** Refuses unless the caller may read the session. */
    public void mayReadSession(String sessionId) {
        if (!isAdmin() && !tenantId.equals(SessionIds.tenantOf(sessionId))) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No session '" + sessionId + "'");
        }
    }

    /** Refuses unless the caller may use the manual controls of the session. */
    public void mayControlSession(String sessionId) {
        mayReadSession(sessionId);
        if (role == Role.VIEWER) {
            throw new ResponseStatusException(HttpStatus.FORBIDDEN, "A viewer cannot change sessions");
        }
    }

    /**
     * The tenant a listing covers: the one asked for, when the caller may read it; for a streamer or viewer that
     * asks for none (or an empty name, as a form sends a field left empty), its own; for an admin that asks for none,
     * every tenant (null).
     */
    public String tenantToList(String asked) {
        if (asked == null || asked.isEmpty()) {
            return tenantId;
        }
        mayRead(asked);
        return asked;
    }

    /** Refuses unless the caller is an admin. */
    public void mustBeAdmin() {
        if (!isAdmin()) {
            throw new ResponseStatusException(HttpStatus.FORBIDDEN, "Only an admin may do this");
        }
    }
}
