package dev.livesessions.session;

import java.time.Instant;

/**
 * The deadlines a session schedules for itself. They are stored (serialized) by the deadline manager until they
 * fire, so their names and shapes are kept stable like events.
 */
final class Deadlines {

    static final String CLOSE_IF_INACTIVE = "close-if-inactive";
    static final String MAX_LIFESPAN = "max-lifespan";
    static final String ARCHIVE = "archive";
    static final String ARCHIVE_NOTICE = "archive-notice";

    /** The session's inactivity window may have passed by {@code dueAt}. */
    record InactivityDeadline(Instant dueAt) {
    }

    /** The session reaches its maximum lifespan at {@code dueAt}. */
    record LifespanDeadline(Instant dueAt) {
    }

    /** The session is due to be archived at {@code archiveAt}, if that is still its schedule. */
    record ArchiveDeadline(Instant archiveAt) {
    }

    /** Time to announce the archive due at {@code archiveAt}, if that is still its schedule. */
    record ArchiveNoticeDeadline(Instant archiveAt, Instant dueAt) {
    }

    private Deadlines() {
    }
}
