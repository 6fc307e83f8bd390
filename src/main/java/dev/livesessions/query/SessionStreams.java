package dev.livesessions.query;

import dev.livesessions.api.FindStats;
import dev.livesessions.api.SessionStats;
import dev.livesessions.api.SessionView;
import dev.livesessions.api.WatchSessions;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.axonframework.queryhandling.SubscriptionQueryResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The dashboard's live streams (Server-Sent Events), fed by Axon subscription queries: each stream subscribes to the
 * sessions of its tenant (or all), gathers the sessions that changed, and sends them together with fresh statistics
 * a few times a second at most, however hot the live. Statistics also go out every few seconds when nothing
 * changed: they keep the connection alive, and carry changes that another node processed.
 * <p>
 * A stream is written by a thread of its own while it sends: a write blocks until the client takes it (or the
 * container's write timeout), and a client gone without a word (a phone out of coverage) must not hold up every other
 * dashboard. A stream still sending is skipped; what changed meanwhile goes out with its next flush.
 */
@Component
class SessionStreams implements SmartLifecycle {

    private static final Logger logger = LoggerFactory.getLogger(SessionStreams.class);
    static final Duration FLUSH_EVERY = Duration.ofMillis(300);
    static final Duration STATS_AT_LEAST_EVERY = Duration.ofSeconds(5);
    private static final Duration STREAM_LASTS = Duration.ofMinutes(30);
    /** How often a stream asks whether its caller is still allowed (a revoked token, a disabled user). */
    private static final Duration ALLOWED_CHECKED_EVERY = Duration.ofSeconds(5);
    /** How often the streams ask whether a replay ended. */
    static final Duration REPLAY_CHECKED_EVERY = Duration.ofSeconds(5);

    private final QueryGateway queries;
    private final ReadModelMaintenance maintenance;
    private final Clock clock;
    private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService flusher;
    /** Asks the database whether a replay ended: apart from the flusher, which a slow database must not hold up. */
    private ScheduledExecutorService replayWatcher;
    private ExecutorService senders;
    /** What the last look at the replays saw: whether one ran, and how many this node had started. */
    private boolean replaying;
    private long replaysStarted;

    SessionStreams(QueryGateway queries, ReadModelMaintenance maintenance, Clock clock) {
        this.queries = queries;
        this.maintenance = maintenance;
        this.clock = clock;
    }

    /**
     * Opens a stream of the sessions of {@code tenantId}, or of all tenants when it is null. It ends once
     * {@code stillAllowed} says no (a revoked token, a disabled user), asked every few seconds. A stream whose first
     * statistics cannot be read is not opened: its subscription is closed, and the request fails.
     * <p>
     * Those first statistics are not sent: the stream's first flush, {@link #FLUSH_EVERY} at most after the stream
     * opens, reads them again and sends them. Sent from here they could follow fresher ones that a flush, running as
     * soon as the stream is known, had sent meanwhile, and put a dashboard back to before a change.
     */
    SseEmitter open(String tenantId, BooleanSupplier stillAllowed) {
        return open(tenantId, stillAllowed, new SseEmitter(STREAM_LASTS.toMillis()));
    }

    /** Opens a stream written to {@code emitter}. */
    SseEmitter open(String tenantId, BooleanSupplier stillAllowed, SseEmitter emitter) {
        SubscriptionQueryResult<SessionStats, SessionView> subscription = queries.subscriptionQuery(
                new WatchSessions(tenantId), ResponseTypes.instanceOf(SessionStats.class),
                ResponseTypes.instanceOf(SessionView.class));
        try {
            subscription.initialResult().block();
        } catch (RuntimeException statisticsNotRead) {
            subscription.close();
            throw statisticsNotRead;
        }
        Stream stream = new Stream(tenantId, stillAllowed, emitter, subscription);
        streams.add(stream);
        emitter.onCompletion(stream::close);
        emitter.onTimeout(stream::close);
        emitter.onError(error -> stream.close());
        subscription.updates().subscribe(stream::changed);
        return emitter;
    }

    @Override
    public void start() {
        AtomicInteger senderThreads = new AtomicInteger();
        senders = Executors.newCachedThreadPool(
                runnable -> new Thread(runnable, "session-stream-" + senderThreads.incrementAndGet()));
        flusher = Executors.newSingleThreadScheduledExecutor(runnable -> new Thread(runnable, "session-streams"));
        flusher.scheduleWithFixedDelay(this::flushAll, FLUSH_EVERY.toMillis(), FLUSH_EVERY.toMillis(),
                                       TimeUnit.MILLISECONDS);
        replayWatcher = Executors.newSingleThreadScheduledExecutor(
                runnable -> new Thread(runnable, "session-streams-replays"));
        replayWatcher.scheduleWithFixedDelay(this::endStreamsOnceAReplayEnds, REPLAY_CHECKED_EVERY.toMillis(),
                                             REPLAY_CHECKED_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * A replay empties the read models and pushes nothing of what it rebuilds: a dashboard that read them meanwhile
     * holds part of them. Once it ends, every stream is ended, and each dashboard, reconnecting, reads them again.
     */
    private void endStreamsOnceAReplayEnds() {
        try {
            long startedNow = maintenance.replaysStarted();
            boolean replayingNow = maintenance.replaying();
            boolean replayedSinceLastLook = replaying || startedNow != replaysStarted;
            if (replayedSinceLastLook && !replayingNow) {
                logger.info("A replay ended: ending the dashboards' streams, so that they read the read models again");
                streams.forEach(stream -> stream.emitter.complete());
            }
            replaying = replayingNow;
            replaysStarted = startedNow;
        } catch (RuntimeException notKnownNow) {
            // Looked at again shortly: a scheduled task that throws is never run again.
            logger.debug("Could not tell whether a replay ended", notKnownNow);
        }
    }

    @Override
    public void stop() {
        replayWatcher.shutdownNow();
        flusher.shutdownNow();
        senders.shutdownNow();
        streams.forEach(stream -> stream.emitter.complete());
    }

    @Override
    public boolean isRunning() {
        return flusher != null && !flusher.isShutdown();
    }

    private void flushAll() {
        Instant now = clock.instant();
        for (Stream stream : streams) {
            stream.flushUnlessSending(now);
        }
    }

    private final class Stream {

        private final String tenantId;
        private final BooleanSupplier stillAllowed;
        private final SseEmitter emitter;
        private final SubscriptionQueryResult<SessionStats, SessionView> subscription;
        private final Map<String, SessionView> changed = new LinkedHashMap<>();
        private final AtomicBoolean sending = new AtomicBoolean();
        /** Never at first: the stream's first flush sends statistics. */
        private volatile Instant statsSentAt = Instant.MIN;
        private Instant allowedCheckedAt;

        Stream(String tenantId, BooleanSupplier stillAllowed, SseEmitter emitter,
               SubscriptionQueryResult<SessionStats, SessionView> subscription) {
            this.tenantId = tenantId;
            this.stillAllowed = stillAllowed;
            this.allowedCheckedAt = clock.instant();
            this.emitter = emitter;
            this.subscription = subscription;
        }

        /**
         * Keeps the newest view of each session until the next flush. Two threads may send views of one session in
         * either order (a retry of parked events and the batch after it), so an older view does not replace a newer.
         */
        synchronized void changed(SessionView session) {
            changed.merge(session.sessionId(), session,
                          (waiting, arriving) -> arriving.lastEventSequence() >= waiting.lastEventSequence() ? arriving
                                                                                                             : waiting);
        }

        /** Flushes on a sender thread, unless the last flush is still being sent. */
        void flushUnlessSending(Instant now) {
            if (!sending.compareAndSet(false, true)) {
                return;
            }
            try {
                senders.execute(() -> {
                    try {
                        flush(now);
                    } catch (RuntimeException e) {
                        logger.debug("Closing a session stream that failed", e);
                        close();
                    } finally {
                        sending.set(false);
                    }
                });
            } catch (RejectedExecutionException stopping) {
                // Shutting down. (Out of memory for a thread, the service exits: ADR 34.)
                sending.set(false);
            }
        }

        private void flush(Instant now) {
            if (allowedCheckedAt.plus(ALLOWED_CHECKED_EVERY).isBefore(now)) {
                allowedCheckedAt = now;
                if (!stillAllowed.getAsBoolean()) {
                    close();
                    return;
                }
            }
            List<SessionView> sessions;
            synchronized (this) {
                sessions = new ArrayList<>(changed.values());
                changed.clear();
            }
            if (!sessions.isEmpty()) {
                send("sessions", sessions, now);
            }
            if (!sessions.isEmpty() || statsSentAt.plus(STATS_AT_LEAST_EVERY).isBefore(now)) {
                send("stats", queries.query(new FindStats(tenantId), SessionStats.class).join(), now);
            }
        }

        void send(String name, Object data, Instant now) {
            try {
                emitter.send(SseEmitter.event().name(name).data(data));
                if ("stats".equals(name)) {
                    statsSentAt = now;
                }
            } catch (IOException gone) {
                close();
            }
        }

        void close() {
            if (streams.remove(this)) {
                subscription.close();
                emitter.complete();
            }
        }
    }
}
