package dev.livesessions.query;

import dev.livesessions.api.CleanupCandidates;
import dev.livesessions.api.FindCleanupCandidates;
import dev.livesessions.api.FindSession;
import dev.livesessions.api.FindSessions;
import dev.livesessions.api.LiveSessionEvent;
import dev.livesessions.api.SessionPage;
import dev.livesessions.api.SessionStatus;
import dev.livesessions.api.SessionView;
import dev.livesessions.api.WatchSessions;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ReplayStatus;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.queryhandling.QueryHandler;
import org.axonframework.queryhandling.QueryUpdateEmitter;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Builds the read models (sessions and their statistics) from the sessions' events, through a
 * {@link ReadModelUpdater} on the database, answers the session queries, and updates subscriptions to sessions.
 */
@Component
@ProcessingGroup(ReadModels.PROCESSING_GROUP)
class SessionProjection {

    private static final List<SessionStatus> SHOWN_BY_DEFAULT = List.of(SessionStatus.ACTIVE, SessionStatus.CLOSED);

    private final SessionEntryRepository sessions;
    private final DatabaseReadModelStore store;
    private final ReadModelUpdater updater;
    private final QueryUpdateEmitter updates;
    private final ReadModelMaintenance maintenance;
    private final Clock clock;

    SessionProjection(SessionEntryRepository sessions, DatabaseReadModelStore store, QueryUpdateEmitter updates,
                      ReadModelMaintenance maintenance, Clock clock) {
        this.sessions = sessions;
        this.store = store;
        this.updater = new ReadModelUpdater(store);
        this.updates = updates;
        this.maintenance = maintenance;
        this.clock = clock;
    }

    /**
     * Applies the event to the read models, and tells whoever watches the session's tenant (the dashboard) how the
     * session is now. The update goes out once the read models are committed; a replay tells no one.
     */
    @EventHandler
    void on(LiveSessionEvent event, @SequenceNumber long sequence, ReplayStatus replay) {
        updater.apply(event, sequence);
        if (replay.isReplay() || updates.activeSubscriptions().isEmpty()) {
            return;
        }
        store.session(event.sessionId()).ifPresent(session -> updates.emit(
                WatchSessions.class, watch -> watch.covers(event.tenantId()), session.view(clock.instant())));
    }

    /** A replay starts from empty read models. */
    @ResetHandler
    void reset() {
        store.clear();
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
            // A status given as well narrows the cleanup status: CLOSED and CANDIDATE are the closed candidates only.
            Set<SessionStatus> statuses = query.cleanupStatus().statuses();
            if (query.status() != null) {
                statuses.retainAll(Set.of(query.status()));
            }
            found = statuses.isEmpty() ? Page.empty(page) : switch (query.cleanupStatus()) {
                case ACTIVE -> sessions.findActiveWithinWindow(tenantId, now, page);
                case INACTIVE -> sessions.findInactive(tenantId, page);
                case CANDIDATE -> sessions.findCandidates(tenantId, statuses, now, page);
                case ARCHIVED, DELETED -> sessions.find(tenantId, statuses, page);
            };
        }
        return new SessionPage(found.map(session -> session.view(now)).getContent(), query.page(), query.size(),
                               found.getTotalElements());
    }

    @QueryHandler
    CleanupCandidates handle(FindCleanupCandidates query) {
        PageRequest limit = PageRequest.of(0, query.limit());
        // JPQL has no empty list: a tenant id no tenant can have (ids are never empty) stands for "none left out".
        Set<String> except = query.exceptTenants().isEmpty() ? Set.of("") : query.exceptTenants();
        // Asked before and after the rows are read: a replay that began or ended meanwhile may have missed some.
        boolean replaying = maintenance.replaying();
        CleanupCandidates found = switch (query.action()) {
            case CLOSE -> new CleanupCandidates(
                    sessions.findIdleActive(query.tenantId(), except, query.idleBefore(), query.afterSessionId(),
                                            limit),
                    sessions.countIdleActive(query.tenantId(), except, query.idleBefore()), false);
            case ARCHIVE -> new CleanupCandidates(
                    sessions.findArchivable(query.tenantId(), except, query.asOf(), query.idleBefore(),
                                            query.afterSessionId(), limit),
                    sessions.countArchivable(query.tenantId(), except, query.asOf(), query.idleBefore()), false);
        };
        return replaying || maintenance.replaying() ? new CleanupCandidates(found.sessionIds(), found.total(), true)
                                                    : found;
    }

    @QueryHandler
    Optional<SessionView> handle(FindSession query) {
        return sessions.findById(query.sessionId()).map(session -> session.view(clock.instant()));
    }
}
