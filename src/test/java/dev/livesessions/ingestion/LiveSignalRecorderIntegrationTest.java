package dev.livesessions.ingestion;

import dev.livesessions.Http;
import dev.livesessions.IntegrationTest;
import dev.livesessions.LiveSessionsProperties;
import dev.livesessions.api.LiveSignal;
import dev.livesessions.api.SignalSource;
import dev.livesessions.ingestion.LiveSignalRecorder.TenantSignal;
import dev.livesessions.session.LiveSignalRouter;
import dev.livesessions.tenant.TenantDirectory;
import dev.livesessions.tenant.TenantSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.axonframework.common.transaction.Transaction;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
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
    @Autowired
    DataSource dataSource;

    /**
     * Axon rolls a unit of work back on exceptions only. An Error while a batch commits left its transaction open on
     * the writer's thread, holding the batch's rows; the next batch joined it, and its signals were answered as
     * stored without ever being committed.
     */
    @Test
    void anErrorWhileABatchCommitsStopsTheWritePathAndKeepsNothingOfTheBatch() throws Exception {
        TenantSettings tenant = newTenant("writer-error");
        AtomicBoolean failNext = new AtomicBoolean(true);
        TransactionManager failingOnce = () -> {
            Transaction transaction = transactions.startTransaction();
            if (failNext.getAndSet(false)) {
                CurrentUnitOfWork.get().onPrepareCommit(committing -> {
                    throw new OutOfMemoryError("no memory left to store the events (test)");
                });
            }
            return transaction;
        };
        LiveSignalRecorder recorder = new LiveSignalRecorder(inboundMessages, router, failingOnce, properties,
                                                             new SimpleMeterRegistry());
        recorder.start();
        try {
            assertThatThrownBy(() -> recorder.record(List.of(code(tenant, "lost-to-the-error"))))
                    .isInstanceOf(SignalsNotRecordedException.class)
                    .hasRootCauseInstanceOf(OutOfMemoryError.class);

            assertThatThrownBy(() -> recorder.record(List.of(code(tenant, "after-the-error"))))
                    .isInstanceOf(SignalsNotRecordedException.class)
                    .hasMessageContaining("restart");
            assertThat(new LiveSignalWriterHealth(recorder).health().getStatus()).isEqualTo(Status.DOWN);
            assertThat(storedMessages(tenant)).isEmpty();
            assertThat(canClaim(tenant, "lost-to-the-error")).as("the failed batch's claim is released").isTrue();
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

    /** Whether another transaction can claim the message now, rather than wait for one that holds it. */
    private boolean canClaim(TenantSettings tenant, String messageId) throws SQLException {
        try (Connection other = dataSource.getConnection()) {
            other.setAutoCommit(false);
            try (Statement statement = other.createStatement()) {
                statement.execute("SET LOCAL lock_timeout = '2s'");
            }
            try (PreparedStatement claim = other.prepareStatement(
                    "INSERT INTO inbound_message (tenant_id, message_id, received_at) VALUES (?, ?, now())")) {
                claim.setString(1, tenant.tenantId());
                claim.setString(2, messageId);
                return claim.executeUpdate() == 1;
            } catch (SQLException lockNotAvailable) {
                return false;
            } finally {
                other.rollback();
            }
        }
    }

    private List<String> storedMessages(TenantSettings tenant) {
        return jdbc.queryForList("SELECT message_id FROM inbound_message WHERE tenant_id = ? ORDER BY message_id",
                                 String.class, tenant.tenantId());
    }
}
