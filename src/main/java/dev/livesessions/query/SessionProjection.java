package dev.livesessions.query;

import dev.livesessions.api.ActivityRecorded;
import dev.livesessions.api.FindSession;
import dev.livesessions.api.FindSessions;
import dev.livesessions.api.LiveSessionClosed;
import dev.livesessions.api.LiveSessionCreated;
import dev.livesessions.api.SessionPage;
import dev.livesessions.api.SessionView;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.data.domain.PageRequest;
import org.springframework.stereotype.Component;

import java.util.Optional;

/** Builds the session read model from the sessions' events, and answers the session queries. */
@Component
@ProcessingGroup(ReadModels.PROCESSING_GROUP)
class SessionProjection {

    private final SessionEntryRepository sessions;

    SessionProjection(SessionEntryRepository sessions) {
        this.sessions = sessions;
    }

    @EventHandler
    void on(LiveSessionCreated event) {
        sessions.save(new SessionEntry(event.sessionId(), event.tenantId(), event.number(), event.inactivityWindow(),
                                       event.createdAt()));
    }

    @EventHandler
    void on(ActivityRecorded event) {
        sessions.findById(event.sessionId()).orElseThrow().recordActivity(event.source(), event.at());
    }

    @EventHandler
    void on(LiveSessionClosed event) {
        sessions.findById(event.sessionId()).orElseThrow().close(event.closedAt(), event.reason());
    }

    @QueryHandler
    SessionPage handle(FindSessions query) {
        var page = sessions.find(query.tenantId(), query.status(), PageRequest.of(query.page(), query.size()));
        return new SessionPage(page.map(SessionEntry::view).getContent(), query.page(), query.size(),
                               page.getTotalElements());
    }

    @QueryHandler
    Optional<SessionView> handle(FindSession query) {
        return sessions.findById(query.sessionId()).map(SessionEntry::view);
    }
}
