package dev.livesessions.session;

import java.time.Duration;
import java.time.Instant;

/**
 * How a tenant's closed sessions are archived automatically.
 *
 * @param automaticArchiving false when archiving is switched off for the whole service (SESSION_CLEANUP_ENABLED)
 * @param archiveAfter       how long a session stays idle before it is archived (SESSION_DELETE_DAYS, or the tenant's)
 * @param archiveNotice      how long before an automatic archive the session gives notice; zero for none
 */
record RetentionPolicy(boolean automaticArchiving, Duration archiveAfter, Duration archiveNotice) {

    /**
     * When a session idle since {@code idleSince} is archived, if scheduled at {@code now}: never sooner than the
     * notice allows, so that every automatic archive is announced first.
     */
    Instant archiveAt(Instant idleSince, Instant now) {
        Instant due = idleSince.plus(archiveAfter);
        Instant earliest = now.plus(archiveNotice);
        return due.isAfter(earliest) ? due : earliest;
    }
}
