package dev.livesessions.cleanup;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;

import java.util.UUID;

/**
 * What a cleanup run is asked to do. Absent values take the defaults.
 *
 * @param id            chosen by the client to follow the run's progress while it runs (and to make retrying the
 *                      request harmless); generated when absent
 * @param tenantId      one tenant only; all tenants when absent
 * @param inactiveHours active sessions idle this long are closed (default 24)
 * @param deleteDays    sessions with auto-cleanup on idle this many days are archived (default SESSION_DELETE_DAYS)
 * @param dryRun        report what would be done, and change nothing
 */
record CleanupRunRequest(UUID id,
                         @Size(max = 40) String tenantId,
                         @Min(1) @Max(8760) Integer inactiveHours,
                         @Min(1) @Max(3650) Integer deleteDays,
                         Boolean dryRun) {
}
