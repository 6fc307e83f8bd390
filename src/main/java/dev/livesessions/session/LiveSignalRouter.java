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
 * Sends a tenant's live signals to its current session, or opens the tenant's next session when it has none.
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
        var latest = latestSessions.of(tenantId);
        Object command;
        if (latest.isPresent() && latest.get().active()) {
            command = new RecordActivity(latest.get().sessionId(), terms, signals);
        } else {
            long next = latest.map(session -> session.number() + 1).orElse(1L);
            command = new OpenLiveSession(SessionIds.of(tenantId, next), tenantId, next, terms, signals);
        }
        return commandGateway.sendAndWait(command);
    }
}
