package dev.livesessions.ingestion;

import dev.livesessions.Http;
import dev.livesessions.IntegrationTest;
import dev.livesessions.LiveSessionsProperties;
import dev.livesessions.api.LiveSignal;
import dev.livesessions.api.SignalSource;
import dev.livesessions.ingestion.LiveSignalRecorder.Recording;
import dev.livesessions.ingestion.LiveSignalRecorder.TenantSignal;
import dev.livesessions.session.LiveSignalRouter;
import dev.livesessions.tenant.TenantDirectory;
import dev.livesessions.tenant.TenantSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.axonframework.common.transaction.Transaction;
import org.axonframework.common.transaction.TransactionManager;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.livesessions.Http.uniqueTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A recorder of its own, beside the service's, on the service's database, router and transactions: what happens to
 * its writer and its callers when the write path itself breaks down.
 */
@IntegrationTest
class LiveSignalRecorderIntegrationTest {

    @LocalServerPort
    int port;
    @Autowired
    InboundMessageLog inboundMessages;
    @Autowired
    LiveSignalRouter router;
    @Autowired
    TransactionManager transactions;
    @Autowired
    LiveSessionsProperties properties;
    @Autowired
    TenantDirectory tenants;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aWriterCarriesOnAfterAnErrorFailedItsBatch() {
        TenantSettings tenant = newTenant("writer-error");
        AtomicBoolean failNext = new AtomicBoolean(true);
        TransactionManager failingOnce = () -> {
            if (failNext.getAndSet(false)) {
                throw new OutOfMemoryError("no memory left to begin a transaction (test)");
            }
            return transactions.startTransaction();
        };
        LiveSignalRecorder recorder = new LiveSignalRecorder(inboundMessages, router, failingOnce, properties,
                                                             new SimpleMeterRegistry());
        recorder.start();
        try {
            assertThatThrownBy(() -> recorder.record(List.of(code(tenant, "lost-to-the-error"))))
                    .isInstanceOf(SignalsNotRecordedException.class)
                    .hasRootCauseInstanceOf(OutOfMemoryError.class);

            List<Recording> next = recorder.record(List.of(code(tenant, "after-the-error")));

            assertThat(next).singleElement().satisfies(recording -> assertThat(recording.openedSession()).isTrue());
            assertThat(storedMessages(tenant)).containsExactly("after-the-error");
        } finally {
            recorder.stop();
        }
    }

    @Test
    void aDeliveryWithoutLiveSignalsIsAnsweredWhileTheRecorderStops() {
        TenantSettings tenant = newTenant("stopping");
        LiveSignalRecorder stopped = new LiveSignalRecorder(inboundMessages, router, transactions, properties,
                                                            new SimpleMeterRegistry());

        assertThat(stopped.record(List.of())).isEmpty();
        assertThatThrownBy(() -> stopped.record(List.of(code(tenant, "while-stopping"))))
                .isInstanceOf(SignalsNotRecordedException.class);
        assertThat(storedMessages(tenant)).isEmpty();
    }

    private TenantSettings newTenant(String prefix) {
        String tenantId = uniqueTenant(prefix);
        new Http(port).createTenant(tenantId, null, "+33600000000");
        return tenants.find(tenantId).orElseThrow();
    }

    private static TenantSignal code(TenantSettings tenant, String messageId) {
        Instant now = Instant.now();
        return new TenantSignal(tenant, new LiveSignal(messageId, SignalSource.CLIENT, "A1", now, now, messageId));
    }

    private List<String> storedMessages(TenantSettings tenant) {
        return jdbc.queryForList("SELECT message_id FROM inbound_message WHERE tenant_id = ? ORDER BY message_id",
                                 String.class, tenant.tenantId());
    }
}
