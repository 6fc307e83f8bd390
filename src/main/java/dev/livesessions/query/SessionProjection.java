package dev.livesessions.query;

import dev.livesessions.api.ActivityRecorded;
import dev.livesessions.api.ArchiveNoticeIssued;
import dev.livesessions.api.ArchiveScheduled;
import dev.livesessions.api.AutoCleanupChanged;
import dev.livesessions.api.CleanupCandidates;
import dev.livesessions.api.FindCleanupCandidates;
import dev.livesessions.api.FindSession;
import dev.livesessions.api.FindSessions;
import dev.livesessions.api.LiveSessionClosed;
import dev.livesessions.api.LiveSessionCreated;
import dev.livesessions.api.SessionArchived;
import dev.livesessions.api.SessionDeleted;
import dev.livesessions.api.SessionPage;
import dev.livesessions.api.SessionRestored;
import dev.livesessions.api.SessionStatus;
import dev.livesessions.api.SessionView;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Builds the session read model from the sessions' events, moves each session's counts in the statistics as it
 * changes, and answers the session queries.
 */
@Component
@ProcessingGroup(ReadModels.PROCESSING_GROUP)
class SessionProjection {

    private static final List<SessionStatus> SHOWN_BY_DEFAULT = List.of(SessionStatus.ACTIVE, SessionStatus.CLOSED);

    private final SessionEntryRepository sessions;
    private final SessionStatistics statistics;
    private final Clock clock;

    SessionProjection(SessionEntryRepository sessions, SessionStatistics statistics, Clock clock) {
        this.sessions = sessions;
        this.statistics = statistics;
        this.clock = clock;
    }

    @EventHandler
    void on(LiveSessionCreated event) {
        SessionEntry session = sessions.save(new SessionEntry(event.sessionId(), event.tenantId(), event.number(),
                                                              event.inactivityWindow(), event.createdAt(),
                                                              event.autoCleanup()));
        statistics.moved(null, session.standing());
    }

    @EventHandler
    void on(ActivityRecorded event) {
        change(event.sessionId(), session -> session.recordActivity(event.source(), event.at()));
        statistics.liveMessage(event.tenantId());
    }

    @EventHandler
    void on(LiveSessionClosed event) {
        SessionEntry session = change(event.sessionId(), entry -> entry.close(event.closedAt(), event.reason()));
        statistics.closing(event.tenantId(), Duration.between(session.createdAt(), event.closedAt()));
    }

    @EventHandler
    void on(ArchiveScheduled event) {
        change(event.sessionId(), session -> session.archiveScheduled(event.archiveAt()));
    }

    @EventHandler
    void on(ArchiveNoticeIssued event) {
        change(event.sessionId(), session -> session.archiveNoticeIssued(event.issuedAt()));
    }

    @EventHandler
    void on(SessionArchived event) {
        change(event.sessionId(), session -> session.archived(event.archivedAt()));
    }

    @EventHandler
    void on(SessionDeleted event) {
        change(event.sessionId(), session -> session.deleted(event.deletedAt()));
    }

    @EventHandler
    void on(SessionRestored event) {
        change(event.sessionId(), SessionEntry::restored);
    }

    @EventHandler
    void on(AutoCleanupChanged event) {
        change(event.sessionId(), session -> session.autoCleanup(event.enabled()));
    }

    @QueryHandler
    SessionPage handle(FindSessions query) {
        Instant now = clock.instant();
        PageRequest page = PageRequest.of(query.page(), query.size());
        String tenantId = query.tenantId();
        Page<SessionEntry> found;
        if (query.cleanupStatus() == null) {
            found = sessions.find(tenantId, query.status() == null ? SHOWN_BY_DEFAULT : List.of(query.status()), page);
        } else {
            found = switch (query.cleanupStatus()) {
                case ACTIVE -> sessions.findActiveWithinWindow(tenantId, now, page);
                case INACTIVE -> sessions.findInactive(tenantId, page);
                case CANDIDATE -> sessions.findCandidates(tenantId, now, page);
                case ARCHIVED -> sessions.find(tenantId, List.of(SessionStatus.ARCHIVED), page);
                case DELETED -> sessions.find(tenantId, List.of(SessionStatus.DELETED), page);
            };
        }
        return new SessionPage(found.map(session -> session.view(now)).getContent(), query.page(), query.size(),
                               found.getTotalElements());
    }

    @QueryHandler
    CleanupCandidates handle(FindCleanupCandidates query) {
        PageRequest limit = PageRequest.of(0, query.limit());
        return switch (query.action()) {
            case CLOSE -> new CleanupCandidates(
                    sessions.findIdleActive(query.tenantId(), query.idleBefore(), query.afterSessionId(), limit),
                    sessions.countIdleActive(query.tenantId(), query.idleBefore()));
            case ARCHIVE -> new CleanupCandidates(
                    sessions.findArchivable(query.tenantId(), query.idleBefore(), query.afterSessionId(), limit),
                    sessions.countArchivable(query.tenantId(), query.idleBefore()));
        };
    }

    @QueryHandler
    Optional<SessionView> handle(FindSession query) {
        return sessions.findById(query.sessionId()).map(session -> session.view(clock.instant()));
    }

    private SessionEntry change(String sessionId, Consumer<SessionEntry> change) {
        SessionEntry session = sessions.findById(sessionId).orElseThrow();
        Standing before = session.standing();
        change.accept(session);
        statistics.moved(before, session.standing());
        return session;
    }
}
