package dev.livesessions.session;

import dev.livesessions.api.LiveSignal;
import dev.livesessions.api.OpenLiveSession;
import dev.livesessions.api.RecordActivity;
import dev.livesessions.api.RecordedSignal;
import dev.livesessions.api.SessionIds;
import dev.livesessions.api.SessionTerms;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * Sends a tenant's live signals to its latest session, which records them or opens the tenant's next session; a
 * tenant's first signals open its first session.
 * It runs inside the caller's unit of work, so that the signals, their events and the caller's own writes commit (or
 * roll back) together.
 */
@Component
public class LiveSignalRouter {

    private final LatestSessions latestSessions;
    private final CommandGateway commandGateway;

    LiveSignalRouter(LatestSessions latestSessions, CommandGateway commandGateway) {
        this.latestSessions = latestSessions;
        this.commandGateway = commandGateway;
    }

    /**
     * @param terms   the tenant's terms now, for a session these signals open
     * @param signals the tenant's live signals, in arrival order; not empty
     * @return where each signal was recorded
     */
    public List<RecordedSignal> route(String tenantId, SessionTerms terms, List<LiveSignal> signals) {
        // The latest session, active or not, decides: it records the signals, or opens its successor no earlier
        // than it closed itself. Only a tenant's first session is opened from here.
        Object command = latestSessions.of(tenantId)
                .<Object>map(latest -> new RecordActivity(latest, terms, signals))
                .orElseGet(() -> new OpenLiveSession(SessionIds.of(tenantId, 1), tenantId, 1, terms, signals));
        return commandGateway.sendAndWait(command);
    }
}
