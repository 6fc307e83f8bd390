package dev.livesessions.cleanup;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The archive notices a tenant has not been sent, so that their withdrawal is not sent either: those it was never sent
 * (recorded, V22), and those still to be sent (their delivery still scheduled, under the name
 * {@link ArchiveNotices#noticeOf}). Notices issued before V22 are delivered under another name and never recorded:
 * their withdrawals go out as before.
 */
@Component
class UnpostedNotices {

    /** Why a notice was not sent. */
    enum Reason {
        /** The tenant had no notification URL when the notice was issued. */
        NO_URL,
        /** The tenant had no notification URL or secret any more when the notice fell due. */
        DROPPED,
        /** The tenant's endpoint refused every attempt. */
        GIVEN_UP
    }

    /** How long after the archive it announced a notice is remembered: its withdrawal comes by then. */
    private static final Duration KEPT = Duration.ofDays(60);

    private final JdbcTemplate jdbc;
    private final Clock clock;

    UnpostedNotices(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    void record(String sessionId, Instant archiveAt, Reason reason) {
        Instant now = clock.instant();
        jdbc.update("DELETE FROM archive_notice_unposted WHERE archive_at < ?", Timestamp.from(now.minus(KEPT)));
        jdbc.update("""
                INSERT INTO archive_notice_unposted (session_id, archive_at, reason, recorded_at)
                VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING
                """, sessionId, Timestamp.from(archiveAt), reason.name(), Timestamp.from(now));
    }

    /**
     * Calls off the delivery of the notice of that archive, in the transaction under way, unless it is being sent.
     *
     * @return whether it was still to be sent, and is not now
     */
    boolean callOff(String sessionId, Instant archiveAt) {
        return jdbc.update("DELETE FROM " + ArchiveNoticeDelivery.TABLE
                           + " WHERE task_name = ? AND task_instance = ? AND NOT picked",
                           ArchiveNotices.DELIVERY, ArchiveNotices.noticeOf(sessionId, archiveAt)) == 1;
    }

    /** @return whether the notice of that archive is being sent, or waits to be tried again */
    boolean stillToBeSent(String sessionId, Instant archiveAt) {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM " + ArchiveNoticeDelivery.TABLE
                + " WHERE task_name = ? AND task_instance = ?)",
                Boolean.class, ArchiveNotices.DELIVERY, ArchiveNotices.noticeOf(sessionId, archiveAt)));
    }

    /** @return whether the notice of that archive was never sent; it is forgotten */
    boolean forget(String sessionId, Instant archiveAt) {
        return jdbc.update("DELETE FROM archive_notice_unposted WHERE session_id = ? AND archive_at = ?", sessionId,
                           Timestamp.from(archiveAt)) == 1;
    }
}
