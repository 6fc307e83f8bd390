package dev.livesessions.session;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.livesessions.api.ActivityRecorded;
import dev.livesessions.api.CloseIfInactive;
import dev.livesessions.api.CloseReason;
import dev.livesessions.api.LiveSessionClosed;
import dev.livesessions.api.LiveSessionCreated;
import dev.livesessions.api.LiveSignal;
import dev.livesessions.api.OpenLiveSession;
import dev.livesessions.api.RecordActivity;
import dev.livesessions.api.RecordedSignal;
import dev.livesessions.api.SessionIds;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.annotation.DeadlineHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.messaging.MetaData;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;
import static org.axonframework.modelling.command.AggregateLifecycle.createNew;

/**
 * A tenant's live session: it opens on a live signal, counts every live signal after it, and closes once a whole
 * inactivity window passes without one.
 * <p>
 * The rules, in order:
 * <ul>
 *     <li>a session opens with the live signal that found the tenant without a current session;</li>
 *     <li>a live signal received before {@code lastActivityAt + window} is recorded and moves {@code lastActivityAt};</li>
 *     <li>a live signal received at or after that moment finds the session expired: the session closes at
 *     {@code lastActivityAt + window}, and the signal opens the tenant's next session;</li>
 *     <li>the session schedules one close-if-inactive deadline at a time, at the end of its window. When it fires and
 *     activity has moved the window on, the session schedules the next one at the new end instead of closing: the
 *     deadline store is written once per window, never once per message;</li>
 *     <li>a session closed by inactivity is closed at {@code lastActivityAt + window}, however late the deadline
 *     fires (after a restart, for instance).</li>
 * </ul>
 * Fields are annotated for the Jackson snapshot of the aggregate.
 */
@Aggregate(cache = "liveSessionCache", snapshotTriggerDefinition = "liveSessionSnapshotTrigger")
class LiveSession {

    static final String CLOSE_IF_INACTIVE = "close-if-inactive";

    @AggregateIdentifier
    @JsonProperty
    private String sessionId;
    @JsonProperty
    private String tenantId;
    @JsonProperty
    private long number;
    @JsonProperty
    private Duration inactivityWindow;
    @JsonProperty
    private Instant lastActivityAt;
    @JsonProperty
    private boolean closed;

    LiveSession() {
        // for Axon and Jackson
    }

    /** The constructor of a session opened by its predecessor; the rest of its opening runs once it exists. */
    private LiveSession(String sessionId, String tenantId, long number, Duration inactivityWindow, LiveSignal first) {
        announceOpening(sessionId, tenantId, number, inactivityWindow, first);
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.ALWAYS)
    List<RecordedSignal> handle(OpenLiveSession command, DeadlineManager deadlines) {
        announceOpening(command.sessionId(), command.tenantId(), command.number(), command.inactivityWindow(),
                        command.signals().get(0));
        return opened(command.signals(), command.inactivityWindow(), deadlines);
    }

    @CommandHandler
    List<RecordedSignal> handle(RecordActivity command, DeadlineManager deadlines) {
        return record(command.signals(), command.inactivityWindow(), false, deadlines);
    }

    @DeadlineHandler(deadlineName = CLOSE_IF_INACTIVE)
    void on(CloseIfInactive deadline, DeadlineManager deadlines) {
        if (closed) {
            return;
        }
        if (windowEnd().isAfter(deadline.asOf())) {
            scheduleCloseIfInactive(deadlines);
        } else {
            apply(new LiveSessionClosed(sessionId, tenantId, windowEnd(), CloseReason.INACTIVITY));
        }
    }

    private static void announceOpening(String sessionId, String tenantId, long number, Duration inactivityWindow,
                                        LiveSignal first) {
        apply(new LiveSessionCreated(sessionId, tenantId, number, inactivityWindow, first.receivedAt()),
              metaDataOf(first));
    }

    private List<RecordedSignal> opened(List<LiveSignal> signals, Duration windowOfNextSession,
                                        DeadlineManager deadlines) {
        scheduleCloseIfInactive(deadlines);
        return record(signals, windowOfNextSession, true, deadlines);
    }

    private List<RecordedSignal> record(List<LiveSignal> signals, Duration windowOfNextSession, boolean opening,
                                        DeadlineManager deadlines) {
        List<RecordedSignal> recorded = new ArrayList<>(signals.size());
        for (int i = 0; i < signals.size(); i++) {
            LiveSignal signal = signals.get(i);
            if (closed || !signal.receivedAt().isBefore(windowEnd())) {
                recorded.addAll(closeAndOpenNext(signals.subList(i, signals.size()), windowOfNextSession, deadlines));
                return recorded;
            }
            apply(new ActivityRecorded(sessionId, tenantId, signal.messageId(), signal.source(), signal.code(),
                                       signal.sentAt(), signal.receivedAt()), metaDataOf(signal));
            recorded.add(new RecordedSignal(signal.messageId(), sessionId, opening && i == 0));
        }
        return recorded;
    }

    private List<RecordedSignal> closeAndOpenNext(List<LiveSignal> signals, Duration window,
                                                  DeadlineManager deadlines) {
        LiveSignal first = signals.get(0);
        if (!closed) {
            apply(new LiveSessionClosed(sessionId, tenantId, windowEnd(), CloseReason.INACTIVITY), metaDataOf(first));
        }
        long nextNumber = number + 1;
        return createNextSession(
                () -> new LiveSession(SessionIds.of(tenantId, nextNumber), tenantId, nextNumber, window, first))
                .invoke(next -> next.opened(signals, window, deadlines));
    }

    private static org.axonframework.modelling.command.Aggregate<LiveSession> createNextSession(Callable<LiveSession> constructor) {
        try {
            return createNew(LiveSession.class, constructor);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("Could not open the next live session", e);
        }
    }

    private void scheduleCloseIfInactive(DeadlineManager deadlines) {
        deadlines.schedule(windowEnd(), CLOSE_IF_INACTIVE, new CloseIfInactive(windowEnd()));
    }

    private Instant windowEnd() {
        return lastActivityAt.plus(inactivityWindow);
    }

    private static MetaData metaDataOf(LiveSignal signal) {
        return MetaData.with("correlationId", signal.correlationId())
                       .and("providerMessageId", signal.messageId());
    }

    @EventSourcingHandler
    void on(LiveSessionCreated event) {
        sessionId = event.sessionId();
        tenantId = event.tenantId();
        number = event.number();
        inactivityWindow = event.inactivityWindow();
        lastActivityAt = event.createdAt();
    }

    @EventSourcingHandler
    void on(ActivityRecorded event) {
        // Signals can reach the store a few microseconds out of their arrival order; activity never moves back.
        if (event.at().isAfter(lastActivityAt)) {
            lastActivityAt = event.at();
        }
    }

    @EventSourcingHandler
    void on(LiveSessionClosed event) {
        closed = true;
    }
}
