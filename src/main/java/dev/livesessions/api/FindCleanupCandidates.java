package dev.livesessions.api;

import java.time.Instant;
import java.util.Set;

/**
 * Sessions a cleanup run would act on, in session id order after {@code afterSessionId} (null to start), at most
 * {@code limit}. Answered from the read model; the sessions themselves decide again when the command arrives.
 *
 * @param tenantId      null for all tenants
 * @param exceptTenants tenants left out of a search over all of them (a run takes those on their own); empty for none
 * @param action   CLOSE: active sessions whose last activity is before {@code idleBefore}; ARCHIVE: active or
 *                 closed sessions with auto-cleanup on whose last activity is before {@code idleBefore}, but for
 *                 those whose archive was announced for a date after {@code asOf}
 * @param asOf     when the run looks: the moment its commands decide by
 */
public record FindCleanupCandidates(String tenantId, Set<String> exceptTenants, CleanupAction action, Instant asOf,
                                    Instant idleBefore, String afterSessionId, int limit) {
}
