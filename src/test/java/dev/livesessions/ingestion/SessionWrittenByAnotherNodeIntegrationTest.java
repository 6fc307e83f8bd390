package dev.livesessions.ingestion;

import dev.livesessions.Http;
import dev.livesessions.IntegrationTest;
import dev.livesessions.api.ActivityRecorded;
import dev.livesessions.api.SignalSource;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Instant;
import java.util.List;

import static dev.livesessions.Http.uniqueTenant;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nodes sharing the database write to the same sessions when webhooks are not routed by tenant. A node whose cached
 * copy of a session is out of date reads it again before writing, instead of losing a race at commit.
 */
@IntegrationTest
class SessionWrittenByAnotherNodeIntegrationTest {

    private static final String SELLER = "+33600000000";

    @LocalServerPort
    int port;
    @Autowired
    EventStorageEngine store;
    @Autowired
    MeterRegistry meters;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void theNextSignalFollowsTheOtherNodesEventWithoutRollingABatchBack() {
        Http http = new Http(port);
        String tenant = uniqueTenant("nodes");
        http.createTenant(tenant, null, SELLER);
        String sessionId = http.message(tenant, "m1", SELLER, "live").body().get("sessionId").asText();
        long last = lastSequenceOf(sessionId);
        // Another node records a client's code: straight into the store, unseen by this node's cache.
        Instant now = Instant.now();
        store.appendEvents(List.of(new GenericDomainEventMessage<>(
                "LiveSession", sessionId, last + 1,
                new ActivityRecorded(sessionId, tenant, "elsewhere", SignalSource.CLIENT, "A1", now, now))));
        double rolledBackBefore = rolledBack();

        Http.Response answer = http.message(tenant, "m2", "+33700000001", "A2");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body().get("sessionId").asText()).isEqualTo(sessionId);
        assertThat(rolledBack()).as("batches rolled back").isEqualTo(rolledBackBefore);
        assertThat(lastSequenceOf(sessionId)).isEqualTo(last + 2);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier = ? "
                                               + "AND convert_from(payload, 'UTF8') LIKE '%\"messageId\":\"m2\"%'",
                                       Long.class, sessionId)).isEqualTo(1);
    }

    private long lastSequenceOf(String sessionId) {
        return jdbc.queryForObject("SELECT max(sequence_number) FROM domain_event_entry WHERE aggregate_identifier = ?",
                                   Long.class, sessionId);
    }

    private double rolledBack() {
        return meters.counter(LiveSignalRecorder.ROLLED_BACK).count();
    }
}
