package dev.livesessions.query;

import dev.livesessions.api.CleanupStatus;
import dev.livesessions.api.FindSession;
import dev.livesessions.api.FindSessions;
import dev.livesessions.api.FindStats;
import dev.livesessions.api.SessionPage;
import dev.livesessions.api.SessionStats;
import dev.livesessions.api.SessionStatus;
import dev.livesessions.api.SessionView;
import dev.livesessions.security.Caller;
import dev.livesessions.security.Revocations;
import dev.livesessions.tenant.TenantDirectory;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** Sessions and their statistics, read from the read models through the query bus. */
@RestController
class SessionController {

    /** 200 million sessions at the largest page size: more than a tenant has. */
    private static final int MAX_PAGE = 1_000_000;

    private final QueryGateway queries;
    private final TenantDirectory tenants;
    private final SessionStreams streams;
    private final Revocations revocations;

    SessionController(QueryGateway queries, TenantDirectory tenants, SessionStreams streams,
                      Revocations revocations) {
        this.queries = queries;
        this.tenants = tenants;
        this.streams = streams;
        this.revocations = revocations;
    }

    @GetMapping("/api/sessions")
    SessionPage sessions(Caller caller, @RequestParam(required = false) String tenantId,
                         @RequestParam(required = false) SessionStatus status,
                         @RequestParam(required = false) CleanupStatus cleanupStatus,
                         // Bounded so that page times size stays an offset PostgreSQL and Spring Data take.
                         @RequestParam(defaultValue = "0") @Min(0) @Max(MAX_PAGE) int page,
                         @RequestParam(defaultValue = "20") @Min(1) @Max(200) int size) {
        return queries.query(new FindSessions(existing(caller.tenantToList(tenantId)), status, cleanupStatus, page,
                                              size), SessionPage.class).join();
    }

    @GetMapping("/api/sessions/{sessionId}")
    SessionView session(@PathVariable String sessionId, Caller caller) {
        caller.mayReadSession(sessionId);
        return queries.query(new FindSession(sessionId), ResponseTypes.optionalInstanceOf(SessionView.class)).join()
                      .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
                                                                     "No session '" + sessionId + "'"));
    }

    /**
     * A live stream (Server-Sent Events) of the caller's sessions: {@code stats} events with the statistics, and
     * {@code sessions} events with the sessions that changed, as JSON.
     */
    @GetMapping(path = "/api/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter stream(Caller caller, @RequestParam(required = false) String tenantId) {
        return streams.open(existing(caller.tenantToList(tenantId)), revocations.stillAllowedForThisRequest());
    }

    @GetMapping("/api/stats")
    SessionStats stats(Caller caller) {
        caller.mustBeAdmin();
        return queries.query(new FindStats(null), SessionStats.class).join();
    }

    @GetMapping("/api/stats/{tenantId}")
    SessionStats stats(@PathVariable String tenantId, Caller caller) {
        caller.mayRead(tenantId);
        return queries.query(new FindStats(existing(tenantId)), SessionStats.class).join();
    }

    /**
     * The tenant, refused with a 404 when there is none (a mistyped id would otherwise list nothing, as if the tenant
     * had no sessions); null, every tenant, as it is.
     */
    private String existing(String tenantId) {
        if (tenantId != null && tenants.find(tenantId).isEmpty()) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No tenant '" + tenantId + "'");
        }
        return tenantId;
    }
}
