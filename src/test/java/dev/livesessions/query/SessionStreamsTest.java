package dev.livesessions.query;

import dev.livesessions.api.FindStats;
import dev.livesessions.api.SessionStats;
import dev.livesessions.api.SessionStatus;
import dev.livesessions.api.SessionView;
import dev.livesessions.api.WatchSessions;
import org.axonframework.queryhandling.DefaultQueryGateway;
import org.axonframework.queryhandling.QueryUpdateEmitter;
import org.axonframework.queryhandling.SimpleQueryBus;
import org.junit.jupiter.api.Test;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter.DataWithMediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class SessionStreamsTest {

    private final SimpleQueryBus queryBus = SimpleQueryBus.builder().build();
    private final QueryUpdateEmitter updates = queryBus.queryUpdateEmitter();
    private final SessionStreams streams = new SessionStreams(
            DefaultQueryGateway.builder().queryBus(queryBus).build(), null, Clock.systemUTC());

    @Test
    void aStreamWhoseFirstStatisticsCannotBeReadLeavesNoSubscriptionBehind() {
        queryBus.subscribe(WatchSessions.class.getName(), SessionStats.class, query -> {
            throw new IllegalStateException("The statistics cannot be read");
        });

        assertThatThrownBy(() -> streams.open("audit-tenant", () -> true))
                .hasStackTraceContaining("The statistics cannot be read");

        assertThat(updates.activeSubscriptions()).isEmpty();
    }

    /**
     * Statistics read as a stream opened, sent after those a flush had read since, would put a dashboard back to
     * before a change: a stream sends only statistics its flushes read.
     */
    @Test
    void theStatisticsAStreamSendsAreThoseReadWhenSent() {
        List<Object> sent = openWithStatistics(statsWithSessions(0), statsWithSessions(1));

        flushUntil(() -> !sent.isEmpty());

        assertThat(sent).map(stats -> ((SessionStats) stats).totalSessions()).containsOnly(1L);
    }

    /**
     * A retry of parked events and the batch after it push their views of a session from two threads, in either
     * order: of two views waiting for the same flush, the stream sends the newer.
     */
    @Test
    void ofTwoViewsOfASessionWaitingForOneFlushTheNewerIsSent() {
        List<Object> sent = openWithStatistics(statsWithSessions(0), statsWithSessions(0));

        updates.emit(WatchSessions.class, watch -> true, viewAt(7));
        updates.emit(WatchSessions.class, watch -> true, viewAt(6));
        flushUntil(() -> sent.stream().anyMatch(List.class::isInstance));

        List<Long> sequences = new ArrayList<>();
        sent.stream().filter(List.class::isInstance).flatMap(views -> ((List<?>) views).stream())
            .forEach(view -> sequences.add(((SessionView) view).lastEventSequence()));
        assertThat(sequences).containsExactly(7L);
    }

    /**
     * Opens a stream whose statistics read as {@code atOpening} when it opens and as {@code later} afterwards.
     *
     * @return the data of each event the stream sends
     */
    private List<Object> openWithStatistics(SessionStats atOpening, SessionStats later) {
        queryBus.subscribe(WatchSessions.class.getName(), SessionStats.class, query -> atOpening);
        queryBus.subscribe(FindStats.class.getName(), SessionStats.class, query -> later);
        List<Object> sent = new CopyOnWriteArrayList<>();
        streams.open("audit-tenant", () -> true, recordingInto(sent));
        return sent;
    }

    /** Runs the streams' flushes until {@code done}, 5 seconds at most. */
    private void flushUntil(Callable<Boolean> done) {
        streams.start();
        try {
            await().atMost(Duration.ofSeconds(5)).until(done);
        } finally {
            streams.stop();
        }
    }

    /** An emitter that keeps the data of each event sent. */
    private static SseEmitter recordingInto(List<Object> sent) {
        return new SseEmitter() {
            @Override
            public void send(SseEventBuilder event) {
                event.build().stream().map(DataWithMediaType::getData).filter(data -> !(data instanceof String))
                     .forEach(sent::add);
            }
        };
    }

    private static SessionStats statsWithSessions(long total) {
        return new SessionStats("audit-tenant", total, total, 0, 0, 0, 0, 0, 0, 0, 0, 0, Duration.ZERO);
    }

    private static SessionView viewAt(long sequence) {
        Instant at = Instant.parse("2026-12-06T10:00:00Z");
        return new SessionView("audit-tenant.1", "audit-tenant", 1, SessionStatus.ACTIVE, null, at, at, at, null, null,
                               Duration.ofMinutes(45), sequence, 0, true, null, null, null, null, sequence);
    }
}
