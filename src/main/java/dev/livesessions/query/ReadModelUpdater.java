package dev.livesessions.query;

import dev.livesessions.api.ActivityRecorded;
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
import java.util.function.Consumer;

/**
 * What each event does to the read models: the session's row, and its tenant's statistics as the session moves from
 * one standing to another. Deterministic: the same events give the same read models, in the database or in memory.
 */
final class ReadModelUpdater {

    private final ReadModelStore store;

    ReadModelUpdater(ReadModelStore store) {
        this.store = store;
    }

    void apply(LiveSessionEvent event) {
        if (event instanceof LiveSessionCreated created) {
            SessionEntry session = store.addSession(new SessionEntry(
                    created.sessionId(), created.tenantId(), created.number(), created.inactivityWindow(),
                    created.maxLifespan(), created.createdAt(), created.autoCleanup()));
            moved(null, session.standing());
        } else if (event instanceof ActivityRecorded activity) {
            change(activity, session -> session.recordActivity(activity.source(), activity.at()));
            store.statsOf(activity.tenantId()).liveMessage();
        } else if (event instanceof LiveSessionClosed closed) {
            SessionEntry session = change(closed, entry -> entry.close(closed.closedAt(), closed.reason()));
            store.statsOf(closed.tenantId()).closing(Duration.between(session.createdAt(), closed.closedAt()));
        } else if (event instanceof ArchiveScheduled scheduled) {
            change(scheduled, session -> session.archiveScheduled(scheduled.archiveAt()));
        } else if (event instanceof ArchiveNoticeIssued notice) {
            change(notice, session -> session.archiveNoticeIssued(notice.issuedAt()));
        } else if (event instanceof SessionArchived archived) {
            change(archived, session -> session.archived(archived.archivedAt()));
        } else if (event instanceof SessionDeleted deleted) {
            change(deleted, session -> session.deleted(deleted.deletedAt()));
        } else if (event instanceof SessionRestored restored) {
            change(restored, SessionEntry::restored);
        } else if (event instanceof AutoCleanupChanged changed) {
            change(changed, session -> session.autoCleanup(changed.enabled()));
        }
    }

    private SessionEntry change(LiveSessionEvent event, Consumer<SessionEntry> change) {
        SessionEntry session = store.session(event.sessionId()).orElseThrow(
                () -> new IllegalStateException("No read model row for session " + event.sessionId()));
        Standing before = session.standing();
        change.accept(session);
        moved(before, session.standing());
        return session;
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
            store.countIdleDay(standing.tenantId(), LocalDate.ofInstant(standing.lastActivityAt(), ZoneOffset.UTC),
                               delta);
        }
    }
}
