package dev.livesessions.query;

import dev.livesessions.api.LiveSessionEvent;
import dev.livesessions.api.SessionIds;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.ReplayToken;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.WrappedToken;
import org.axonframework.eventhandling.tokenstore.UnableToClaimTokenException;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.messaging.deadletter.Cause;
import org.axonframework.messaging.deadletter.DeadLetter;
import org.axonframework.messaging.deadletter.SequencedDeadLetterProcessor;
import org.axonframework.messaging.deadletter.SequencedDeadLetterQueue;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Looking after the read models: rebuild them from the event stream through Axon's replay (shut the processor down,
 * reset its tokens, the reset handler empties the tables, start), follow the rebuild, verify them against a shadow
 * copy rebuilt in memory, and handle the events they could not take (the dead-letter queue).
 */
@Component
class ReadModelMaintenance {

    /** How far the read models are, and how fast a replay goes. Rates and ETA are null until measurable. */
    record Progress(boolean running, boolean replaying, Long position, long head, Double eventsPerSecond,
                    Long secondsToGo, long deadLetters) {
    }

    /**
     * The result of a verification: no differences means the read models are what the stream says, for the tenants
     * compared. The tenants left out changed while it ran: they are compared by a verification at a quieter time.
     */
    record Verification(long verifiedUpTo, int sessionsCompared, int tenantsCompared, int tenantsLeftOut,
                        int differenceCount, List<String> differences) {
    }

    /** One parked event. */
    record ParkedEvent(String sequence, String eventType, String cause, Instant enqueuedAt) {
    }

    /** A position of the read models, and the rate measured when it was taken. */
    private record Sample(Instant at, long position, Double rate) {
    }

    private static final int MAX_REPORTED = 100;
    private static final Duration CATCH_UP = Duration.ofSeconds(30);

    private final EventProcessingConfiguration processing;
    private final EventStorageEngine eventStorage;
    private final SessionEntryRepository sessions;
    private final TenantStatsRepository stats;
    private final JdbcTemplate jdbc;
    private final Serializer serializer;
    private final Clock clock;
    private volatile Sample lastSample;

    private final AtomicLong replaysStarted = new AtomicLong();

    ReadModelMaintenance(EventProcessingConfiguration processing, EventStorageEngine eventStorage,
                         SessionEntryRepository sessions, TenantStatsRepository stats, JdbcTemplate jdbc,
                         Serializer serializer, Clock clock) {
        this.processing = processing;
        this.eventStorage = eventStorage;
        this.sessions = sessions;
        this.stats = stats;
        this.jdbc = jdbc;
        this.serializer = serializer;
        this.clock = clock;
    }

    /**
     * Starts a replay. The processor is started again whatever happens: a replay refused (another node holds a
     * segment) leaves the read models running where they were.
     *
     * @throws NotNowException when a replay is running already (another would empty the read models and start over),
     *                         or another node holds a segment of the read models
     */
    synchronized Progress replay() {
        if (progress().replaying()) {
            throw new NotNowException("Replay refused", "A replay is running already; GET /api/replays/progress "
                                                        + "follows it");
        }
        StreamingEventProcessor processor = processor();
        processor.shutDown();
        try {
            processor.resetTokens();
            replaysStarted.incrementAndGet();
        } catch (UnableToClaimTokenException e) {
            throw new NotNowException("Replay refused", "Another node processes a segment of the read models; stop "
                    + "the other nodes for the replay (the replay takes every segment): " + e.getMessage());
        } finally {
            processor.start();
        }
        lastSample = null;
        return progress();
    }

    /** The read models cannot do what is asked in the state they are in: a 409 that says why. */
    static class NotNowException extends RuntimeException {

        private final String title;

        NotNowException(String title, String detail) {
            super(detail);
            this.title = title;
        }

        String title() {
            return title;
        }
    }

    /**
     * Where the read models are, segment by segment. For the segments this node processes, the position its work
     * packages have reached: a segment stores its token with each batch it writes, but one that only passes over
     * other segments' events stores it every few seconds (Axon's claim extension), and the stored token would hold
     * the whole position back by that much. For the other segments, the token store, whichever node holds them, so
     * that any node answers for the whole cluster.
     */
    Progress progress() {
        StreamingEventProcessor processor = processor();
        Collection<TrackingToken> tokens = tokens(processor);
        long head = head();
        Long position = tokens.isEmpty() ? null : tokens.stream()
                .mapToLong(token -> token == null ? 0L : token.position().orElse(0L)).min().orElse(0L);
        boolean replaying = replaying(tokens);
        Double rate = measureRate(position);
        Long secondsToGo = rate == null || rate == 0 || position == null ? null : Math.round((head - position) / rate);
        return new Progress(processor.isRunning(), replaying, position, head, rate, secondsToGo,
                            deadLetterCount());
    }

    /** How many replays this node started: one may have begun and ended between two looks at {@link #replaying()}. */
    long replaysStarted() {
        return replaysStarted.get();
    }

    /** Whether a replay is rebuilding the read models, on any node: {@link #progress()} without the rest. */
    boolean replaying() {
        return replaying(tokens(processor()));
    }

    private static boolean replaying(Collection<TrackingToken> tokens) {
        return tokens.stream().anyMatch(ReadModelMaintenance::replaying);
    }

    /** The read models' token of each segment: see {@link #progress()}. */
    private Collection<TrackingToken> tokens(StreamingEventProcessor processor) {
        Map<Integer, TrackingToken> bySegment = new HashMap<>();
        jdbc.query("SELECT segment, token, token_type FROM token_entry WHERE processor_name = ?",
                   row -> {
                       bySegment.put(row.getInt(1), row.getBytes(2) == null ? null : serializer.deserialize(
                               new SimpleSerializedObject<>(row.getBytes(2), byte[].class, row.getString(3), null)));
                   },
                   ReadModels.PROCESSING_GROUP);
        processor.processingStatus().forEach((segment, status) -> {
            if (status.getTrackingToken() != null) {
                bySegment.put(segment, status.getTrackingToken());
            }
        });
        return bySegment.values();
    }

    /**
     * The positions up to {@code target} that a segment of the read models passed before anything was committed
     * there: an event committed there since (its transaction was slower than the next ones) is in the stream, but
     * the read models take it only when they look again.
     */
    private Set<Long> passedOverUpTo(long target) {
        Set<Long> passedOver = new HashSet<>();
        tokens(processor()).forEach(token -> {
            if (WrappedToken.unwrapLowerBound(token) instanceof GapAwareTrackingToken gapAware) {
                gapAware.getGaps().stream().filter(gap -> gap <= target).forEach(passedOver::add);
            }
        });
        return passedOver;
    }

    /**
     * A segment replays until it reaches where the stream was when the replay began. (Axon keeps the segment's token
     * a replay token until the first event after that point, which may be long in coming on a quiet stream.)
     */
    private static boolean replaying(TrackingToken token) {
        return token instanceof ReplayToken replay
               && replay.position().orElse(0L) < replay.getTokenAtReset().position().orElse(Long.MAX_VALUE);
    }

    /** Events per second since the last sample at least a second old (callers may ask often). */
    private Double measureRate(Long position) {
        Sample before = lastSample;
        Instant now = clock.instant();
        if (position == null) {
            return null;
        }
        if (before == null || position < before.position()) {
            lastSample = new Sample(now, position, null);
            return null;
        }
        Duration elapsed = Duration.between(before.at(), now);
        if (elapsed.compareTo(Duration.ofSeconds(1)) < 0) {
            return before.rate();
        }
        double rate = (position - before.position()) / (elapsed.toMillis() / 1000.0);
        lastSample = new Sample(now, position, rate);
        return rate;
    }

    /**
     * Rebuilds the read models in memory from the stream, up to the head as it is now, waits for the live ones to get
     * there too, and compares them. Tenants with events that one side did not see are left out: they moved on during
     * the verification. Those are events written after that head, events still being written while the rebuild read
     * the stream, and events committed after the live read models passed their position.
     *
     * @throws NotNowException during a replay, or when the live read models do not reach that head within
     *                         {@link #CATCH_UP}: every session they have not reached would be a difference. (A
     *                         replay asked for meanwhile waits: it would empty the tables under the comparison.)
     */
    synchronized Verification verify() {
        if (progress().replaying()) {
            throw new NotNowException("Verification refused", "A replay is rebuilding the read models; verify them "
                                                              + "once it is over");
        }
        long target = head();
        MemoryReadModelStore shadow = new MemoryReadModelStore();
        ReadModelUpdater updater = new ReadModelUpdater(shadow);
        Set<Long> missedByOneSide = new HashSet<>();
        try (Stream<? extends TrackedEventMessage<?>> stream = eventStorage.readEvents(null, false)) {
            stream.takeWhile(event -> position(event) <= target).forEach(event -> {
                if (event.trackingToken() instanceof GapAwareTrackingToken token) {
                    missedByOneSide.clear();
                    missedByOneSide.addAll(token.getGaps());
                }
                if (event instanceof DomainEventMessage<?> domainEvent
                        && domainEvent.getPayload() instanceof LiveSessionEvent payload) {
                    updater.apply(payload, domainEvent.getSequenceNumber());
                }
            });
        }
        if (!readModelsReached(target)) {
            throw new NotNowException("Verification refused", "The read models are behind the stream (at "
                    + progress().position() + " of " + target + " after " + CATCH_UP.toSeconds() + " s); verify "
                    + "them once they have caught up, and see GET /api/replays/progress meanwhile");
        }
        missedByOneSide.addAll(passedOverUpTo(target));

        Instant now = clock.instant();
        List<Difference> differences = new ArrayList<>();
        Map<String, SessionEntry> rebuilt = shadow.sessions();
        for (SessionEntry expected : rebuilt.values()) {
            var live = sessions.findById(expected.sessionId());
            if (live.isEmpty()) {
                differences.add(Difference.ofSession(expected.sessionId(), "is missing"));
            } else if (!live.get().contents(now).equals(expected.contents(now))) {
                differences.add(Difference.ofSession(expected.sessionId(), "is " + live.get().contents(now)
                                                                          + " but the stream says "
                                                                          + expected.contents(now)));
            }
        }
        for (String sessionId : jdbc.queryForList("SELECT session_id FROM live_session", String.class)) {
            if (!rebuilt.containsKey(sessionId)) {
                differences.add(Difference.ofSession(sessionId, "has no events"));
            }
        }
        Set<String> tenants = new HashSet<>(shadow.stats().keySet());
        stats.findAll().forEach(entry -> tenants.add(entry.tenantId()));
        for (String tenantId : tenants) {
            StatsTotals expected = shadow.stats().containsKey(tenantId)
                    ? shadow.stats().get(tenantId).totals() : StatsTotals.NONE;
            StatsTotals live = stats.findById(tenantId).map(TenantStatsEntry::totals).orElse(StatsTotals.NONE);
            if (!live.equals(expected)) {
                differences.add(new Difference(tenantId, null, "stats of " + tenantId + " are " + live
                                                                + " but the stream says " + expected));
            }
        }
        Map<IdleDay, Long> liveDays = new HashMap<>();
        jdbc.query("SELECT tenant_id, day, sessions FROM tenant_idle_day WHERE sessions <> 0", row -> {
            liveDays.put(new IdleDay(row.getString(1), row.getDate(2).toLocalDate()),
                         row.getLong(3));
        });
        Set<IdleDay> days = new HashSet<>(liveDays.keySet());
        shadow.idleDays().forEach((day, count) -> {
            if (count != 0) {
                days.add(day);
            }
        });
        for (IdleDay day : days) {
            long live = liveDays.getOrDefault(day, 0L);
            long expected = shadow.idleDays().getOrDefault(day, 0L);
            if (live != expected) {
                differences.add(new Difference(day.tenantId(), null, "inactive sessions of " + day.tenantId()
                        + " on " + day.day() + " are " + live + " but the stream says " + expected));
            }
        }

        // Read last, after the live read models: whatever changed them during the comparison is written by now.
        Set<String> movedOn = new HashSet<>(jdbc.queryForList(
                "SELECT DISTINCT aggregate_identifier FROM domain_event_entry WHERE global_index > ? "
                        + "OR global_index = ANY (?)", String.class, target, missedByOneSide.toArray(Long[]::new)));
        Set<String> tenantsMovedOn = new HashSet<>();
        movedOn.forEach(sessionId -> tenantsMovedOn.add(SessionIds.tenantOf(sessionId)));
        List<String> found = differences.stream()
                .filter(difference -> !tenantsMovedOn.contains(difference.tenantId()))
                .map(Difference::text)
                .toList();
        int tenantsLeftOut = tenants.size();
        tenants.removeAll(tenantsMovedOn);
        tenantsLeftOut -= tenants.size();
        long sessionsCompared = rebuilt.keySet().stream()
                .filter(sessionId -> !tenantsMovedOn.contains(SessionIds.tenantOf(sessionId))).count();
        return new Verification(target, (int) sessionsCompared, tenants.size(), tenantsLeftOut, found.size(),
                                found.stream().limit(MAX_REPORTED).toList());
    }

    /** A difference between a live read model and the stream, about a tenant and maybe one of its sessions. */
    private record Difference(String tenantId, String sessionId, String text) {

        static Difference ofSession(String sessionId, String what) {
            return new Difference(SessionIds.tenantOf(sessionId), sessionId, "session " + sessionId + " " + what);
        }

    }

    /**
     * The first {@code limit} parked events, tenant by tenant, each tenant's in order. The queue is read a page at a
     * time, and no further than that: a hot tenant parked for hours holds millions.
     */
    List<ParkedEvent> deadLetters(int limit) {
        List<ParkedEvent> parked = new ArrayList<>();
        SequencedDeadLetterQueue<EventMessage<?>> queue = deadLetterQueue().orElse(null);
        if (queue == null) {
            return parked;
        }
        for (Iterable<DeadLetter<? extends EventMessage<?>>> sequence : queue.deadLetters()) {
            for (DeadLetter<? extends EventMessage<?>> letter : sequence) {
                if (parked.size() == limit) {
                    return parked;
                }
                EventMessage<?> event = letter.message();
                String tenant = event.getPayload() instanceof LiveSessionEvent sessionEvent ? sessionEvent.tenantId()
                                                                                            : "?";
                parked.add(new ParkedEvent(tenant, event.getPayloadType().getSimpleName(),
                                           letter.cause().map(Cause::message).orElse(null), letter.enqueuedAt()));
            }
        }
        return parked;
    }

    /**
     * Tries each tenant's parked events once more. Axon hands out the sequence touched longest ago, and one that fails
     * again goes to the back: each is tried once, and one still failing does not keep the others parked.
     *
     * @return how many tenants' parked events were all applied
     */
    int retryDeadLetters() {
        SequencedDeadLetterProcessor<EventMessage<?>> deadLetterProcessor = processing
                .sequencedDeadLetterProcessor(ReadModels.PROCESSING_GROUP)
                .orElseThrow(() -> new IllegalStateException("The read models have no dead-letter queue"));
        long sequences = deadLetterQueue().map(SequencedDeadLetterQueue::amountOfSequences).orElse(0L);
        int retried = 0;
        for (long i = 0; i < sequences; i++) {
            if (deadLetterProcessor.processAny()) {
                retried++;
            }
        }
        return retried;
    }

    /** Gives the read models a moment to process what a verification compares them with: whether they did. */
    private boolean readModelsReached(long target) {
        Instant giveUp = clock.instant().plus(CATCH_UP);
        while (true) {
            Long position = progress().position();
            if (position != null && position >= target) {
                return true;
            }
            if (!clock.instant().isBefore(giveUp)) {
                return false;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    long deadLetterCount() {
        return deadLetterQueue().map(SequencedDeadLetterQueue::size).orElse(0L);
    }

    long head() {
        return jdbc.queryForObject("SELECT coalesce(max(global_index), 0) FROM domain_event_entry", Long.class);
    }

    private Optional<SequencedDeadLetterQueue<EventMessage<?>>> deadLetterQueue() {
        return processing.deadLetterQueue(ReadModels.PROCESSING_GROUP);
    }

    private StreamingEventProcessor processor() {
        return processing.eventProcessor(ReadModels.PROCESSING_GROUP, StreamingEventProcessor.class)
                         .orElseThrow(() -> new IllegalStateException("No read-models processor"));
    }

    private static long position(TrackedEventMessage<?> event) {
        return event.trackingToken().position().orElse(Long.MAX_VALUE);
    }

}
