package dev.livesessions.query;

import dev.livesessions.api.SessionStats;
import dev.livesessions.api.WatchSessions;
import org.axonframework.queryhandling.DefaultQueryGateway;
import org.axonframework.queryhandling.QueryUpdateEmitter;
import org.axonframework.queryhandling.SimpleQueryBus;
import org.junit.jupiter.api.Test;

import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
