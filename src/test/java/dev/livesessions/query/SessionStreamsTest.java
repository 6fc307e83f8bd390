package dev.livesessions.query;

import dev.livesessions.api.SessionStats;
import dev.livesessions.api.SessionStatus;
import dev.livesessions.api.SessionView;
import dev.livesessions.api.WatchSessions;
import org.axonframework.queryhandling.DefaultQueryGateway;
import org.axonframework.queryhandling.QueryUpdateEmitter;
import org.axonframework.queryhandling.SimpleQueryBus;
import org.junit.jupiter.api.Test;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
     * A retry of parked events and the batch after it push their views of a session from two threads, in either
     * order: of two views waiting for the same flush, the stream sends the newer.
     */
    @Test
    void ofTwoViewsOfASessionWaitingForOneFlushTheNewerIsSent() {
        queryBus.subscribe(WatchSessions.class.getName(), SessionStats.class, query -> null);
        List<Object> sent = new CopyOnWriteArrayList<>();
        SseEmitter emitter = new SseEmitter() {
            @Override
            public void send(SseEventBuilder event) {
                event.build().forEach(part -> sent.add(part.getData()));
            }
        };
        streams.open("audit-tenant", () -> true, emitter);

        updates.emit(WatchSessions.class, watch -> true, viewAt(7));
        updates.emit(WatchSessions.class, watch -> true, viewAt(6));
        streams.start();
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> sent.stream().anyMatch(List.class::isInstance));
        } finally {
            streams.stop();
        }

        List<Long> sequences = new ArrayList<>();
        sent.stream().filter(List.class::isInstance).flatMap(views -> ((List<?>) views).stream())
            .forEach(view -> sequences.add(((SessionView) view).lastEventSequence()));
        assertThat(sequences).containsExactly(7L);
    }

    private static SessionView viewAt(long sequence) {
        Instant at = Instant.parse("2026-12-06T10:00:00Z");
        return new SessionView("audit-tenant.1", "audit-tenant", 1, SessionStatus.ACTIVE, null, at, at, at, null, null,
                               Duration.ofMinutes(45), sequence, 0, true, null, null, null, null, sequence);
    }
}
