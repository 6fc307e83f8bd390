package dev.livesessions.session;

import dev.livesessions.api.LiveSignal;
import dev.livesessions.api.OpenLiveSession;
import dev.livesessions.api.RecordActivity;
import dev.livesessions.api.RecordedSignal;
import dev.livesessions.api.SessionIds;
import dev.livesessions.api.SessionTerms;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.common.caching.Cache;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sends each tenant's live signals to its latest session, which records them or opens the tenant's next session; a
 * tenant's first signals open its first session.
 * It runs inside the caller's unit of work, so that the signals, their events and the caller's own writes commit (or
 * roll back) together.
 */
@Component
public class LiveSignalRouter {

    private final LatestSessions latestSessions;
    private final SessionsWrittenHere writtenHere;
    private final Cache cachedSessions;
    private final CommandGateway commandGateway;

    LiveSignalRouter(LatestSessions latestSessions, SessionsWrittenHere writtenHere,
                     @Qualifier("liveSessionCache") Cache cachedSessions, CommandGateway commandGateway) {
        this.latestSessions = latestSessions;
        this.writtenHere = writtenHere;
        this.cachedSessions = cachedSessions;
        this.commandGateway = commandGateway;
    }

    /** A tenant's live signals, in arrival order (not empty), and its terms now for a session they open. */
    public record TenantSignals(String tenantId, SessionTerms terms, List<LiveSignal> signals) {
    }

    /**
     * Routes the signals of several tenants, looking their latest sessions up together.
     *
     * @return where each signal was recorded, by tenant
     */
    public Map<String, List<RecordedSignal>> route(List<TenantSignals> tenants) {
        if (tenants.isEmpty()) {
            return Map.of();
        }
        Map<String, LatestSessions.Latest> latest = latestSessions.of(tenants.stream().map(TenantSignals::tenantId)
                                                                             .toList());
        Map<String, List<RecordedSignal>> recorded = new LinkedHashMap<>();
        // In the order of their ids, not of arrival: two nodes writing the same two tenants at once take their rows
        // in the same order, so that neither waits on the other in a deadlock until PostgreSQL breaks it.
        List<TenantSignals> inIdOrder = tenants.stream().sorted(Comparator.comparing(TenantSignals::tenantId)).toList();
        for (TenantSignals tenant : inIdOrder) {
            // The latest session, active or not, decides: it records the signals, or opens its successor no earlier
            // than it closed itself. Only a tenant's first session is opened from here.
            LatestSessions.Latest latestSession = latest.get(tenant.tenantId());
            Object command;
            if (latestSession == null) {
                command = new OpenLiveSession(SessionIds.of(tenant.tenantId(), 1), tenant.tenantId(), 1,
                                              tenant.terms(), tenant.signals());
            } else {
                if (!writtenHere.isLatestWrittenHere(latestSession.sessionId(), latestSession.lastSequence())) {
                    // Another node wrote to the session since this one did: read it again rather than collide.
                    cachedSessions.remove(latestSession.sessionId());
                }
                command = new RecordActivity(latestSession.sessionId(), tenant.terms(), tenant.signals());
            }
            recorded.put(tenant.tenantId(), commandGateway.sendAndWait(command));
        }
        return recorded;
    }
}
