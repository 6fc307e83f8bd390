package dev.livesessions.query;

import dev.livesessions.api.SessionStatus;

import java.time.Instant;

/**
 * What a session counts for in its tenant's statistics: its status, whether it is in the notice period before an
 * archive, and (when inactive) since when it counts as idle: its last activity, or its restore if that came later.
 * The statistics move a session from one standing to the next.
 */
record Standing(String tenantId, SessionStatus status, boolean noticed, Instant idleSince) {

    /** Active sessions count the same however recent their activity: only inactive ones are counted by day. */
    Standing counted() {
        return status == SessionStatus.CLOSED ? this : new Standing(tenantId, status, false, null);
    }
}
