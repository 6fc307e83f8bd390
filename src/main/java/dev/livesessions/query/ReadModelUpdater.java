package dev.livesessions.query;

import dev.livesessions.api.ActivityRecorded;
import dev.livesessions.api.ArchiveCancelled;
import dev.livesessions.api.ArchiveNoticeIssued;
import dev.livesessions.api.ArchiveScheduled;
import dev.livesessions.api.AutoCleanupChanged;
import dev.livesessions.api.LiveSessionClosed;
import dev.livesessions.api.LiveSessionCreated;
import dev.livesessions.api.LiveSessionEvent;
import dev.livesessions.api.SessionArchived;
import dev.livesessions.api.SessionDeleted;
import dev.livesessions.api.SessionRestored;
import dev.livesessions.api.SessionStatus;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;

/**
 * What each event does to the read models: the session's row, and its tenant's statistics as the session moves from
 * one standing to another. Deterministic: the same events give the same read models, in the database or in memory.
 */
final class ReadModelUpdater {

    private final ReadModelStore store;

    ReadModelUpdater(ReadModelStore store) {
        this.store = store;
    }

    /**
     * Applies the session's event with the given sequence number. An event delivered again (streaming processors
     * deliver at least once) is recognised by its sequence number and changes nothing.
     */
    void apply(LiveSessionEvent event, long sequence) {
        Optional<SessionEntry> existing = store.session(event.sessionId());
        if (existing.isPresent() && existing.get().hasApplied(sequence)) {
            return;
        }
        if (event instanceof LiveSessionCreated created) {
            SessionEntry session = store.addSession(new SessionEntry(
                    created.sessionId(), created.tenantId(), created.number(), created.inactivityWindow(),
                    created.maxLifespan(), created.createdAt(), created.autoCleanup()));
            session.applied(sequence);
            moved(null, session.standing());
            return;
        }
        SessionEntry session = existing.orElseThrow(
                () -> new IllegalStateException("No read model row for session " + event.sessionId()));
        Standing before = session.standing();
        change(session, event);
        session.applied(sequence);
        moved(before, session.standing());
    }

    private void change(SessionEntry session, LiveSessionEvent event) {
        if (event instanceof ActivityRecorded activity) {
            session.recordActivity(activity.source(), activity.at());
            store.statsOf(activity.tenantId()).liveMessage();
        } else if (event instanceof LiveSessionClosed closed) {
            session.close(closed.closedAt(), closed.reason());
            store.statsOf(closed.tenantId()).closing(Duration.between(session.createdAt(), closed.closedAt()));
        } else if (event instanceof ArchiveScheduled scheduled) {
            session.archiveScheduled(scheduled.archiveAt());
        } else if (event instanceof ArchiveCancelled) {
            session.archiveCancelled();
        } else if (event instanceof ArchiveNoticeIssued notice) {
            session.archiveNoticeIssued(notice.issuedAt());
        } else if (event instanceof SessionArchived archived) {
            session.archived(archived.archivedAt());
        } else if (event instanceof SessionDeleted deleted) {
            session.deleted(deleted.deletedAt());
        } else if (event instanceof SessionRestored restored) {
            session.restored(restored.restoredAt());
        } else if (event instanceof AutoCleanupChanged changed) {
            session.autoCleanup(changed.enabled());
        }
    }

    /** Moves a session's counts from one standing ({@code null} when it is new) to another. */
    private void moved(Standing before, Standing after) {
        Standing from = before == null ? null : before.counted();
        Standing to = after.counted();
        if (Objects.equals(from, to)) {
            return;
        }
        TenantStatsEntry stats = store.statsOf(to.tenantId());
        if (from != null) {
            stats.count(from, -1);
            countIdleDay(from, -1);
        }
        stats.count(to, 1);
        countIdleDay(to, 1);
    }

    private void countIdleDay(Standing standing, int delta) {
        if (standing.status() == SessionStatus.CLOSED) {
            store.countIdleDay(standing.tenantId(), LocalDate.ofInstant(standing.idleSince(), ZoneOffset.UTC),
                               delta);
        }
    }
}
