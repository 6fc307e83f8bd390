package dev.livesessions.cleanup;

import dev.livesessions.api.CleanupAction;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A cleanup run as the API shows it.
 *
 * @param progressedAt      when its node last saved its progress (after each batch of sessions)
 * @param deleteDays       sessions idle this many days were archived
 * @param tenantsOwnDelays in a run over every tenant asked without {@code deleteDays}: a tenant with an archive delay
 *                         of its own had its sessions archived after that delay instead; null for a run stored
 *                         before this was recorded
 * @param status       RUNNING, SUCCEEDED or FAILED (a failed run says why in {@code failure}), or ABANDONED: it was
 *                     RUNNING, and made no progress for {@code live-sessions.cleanup.run-abandoned-after}, because the
 *                     node running it stopped, or could not store its end; nothing will finish it
 * @param items         what was done (or, in a dry run, would be done) to each session; empty in lists of runs
 */
record CleanupRunView(UUID id, Instant requestedAt, Instant finishedAt, Instant progressedAt,
                      String actor, String tenantId,
                      int inactiveHours, int deleteDays, Boolean tenantsOwnDelays, boolean dryRun, String status,
                      long total, long processed,
                      long closed, long archived, long unchanged, long failed, String failure, List<Item> items) {

    /** @param outcome DONE, WOULD_DO, UNCHANGED or FAILED */
    record Item(String sessionId, CleanupAction action, String outcome, String detail) {
    }
}
