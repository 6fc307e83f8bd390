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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static dev.livesessions.Http.uniqueTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

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

    /**
     * A tenant whose signals fail batch after batch (here PostgreSQL refuses its events) took every batch it shared
     * down with it, each then retried tenant by tenant: one transaction per tenant. Once its signals have failed on
     * their own, they are written apart, once a batch, and the others' batches commit whole, until a write of its
     * commits.
     */
    @Test
    void aTenantWhoseSignalsKeepFailingIsWrittenApartFromTheOthers() throws Exception {
        TenantSettings failing = newTenant("failing");
        TenantSettings healthy = newTenant("healthy");
        TenantSettings other = newTenant("healthy");
        AtomicInteger transactionsStarted = new AtomicInteger();
        CountDownLatch writerHeld = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean holdNext = new AtomicBoolean();
        TransactionManager countingAndHolding = () -> {
            if (holdNext.getAndSet(false)) {
                writerHeld.countDown();
                awaitQuietly(release);
            }
            transactionsStarted.incrementAndGet();
            return transactions.startTransaction();
        };
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        LiveSignalRecorder recorder = new LiveSignalRecorder(inboundMessages, router, countingAndHolding, properties,
                                                             meters);
        refuseEventsOf(failing);
        recorder.start();
        try {
            assertThatThrownBy(() -> recorder.record(List.of(code(failing, "f1"))))
                    .isInstanceOf(SignalsNotRecordedException.class);

            // The writer is held on a batch of its own while the next three signals queue up for one batch.
            holdNext.set(true);
            CompletableFuture<List<Recording>> first = CompletableFuture.supplyAsync(
                    () -> recorder.record(List.of(code(healthy, "h0"))));
            assertThat(writerHeld.await(10, TimeUnit.SECONDS)).isTrue();
            List<CompletableFuture<List<Recording>>> shared = Stream.of(code(failing, "f2"), code(healthy, "h1"),
                                                                         code(other, "o1"))
                    .map(signal -> CompletableFuture.supplyAsync(() -> recorder.record(List.of(signal)))).toList();
            await().until(() -> meters.get(LiveSignalRecorder.QUEUED).gauge().value() == 3);
            transactionsStarted.set(0);
            release.countDown();

            assertThat(first.get(10, TimeUnit.SECONDS)).extracting(Recording::duplicate).containsExactly(false);
            assertThat(shared.get(1).get(10, TimeUnit.SECONDS)).extracting(Recording::duplicate).containsExactly(false);
            assertThat(shared.get(2).get(10, TimeUnit.SECONDS)).extracting(Recording::duplicate).containsExactly(false);
            assertThatThrownBy(() -> shared.get(0).get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(SignalsNotRecordedException.class);
            assertThat(transactionsStarted.get()).as("h0's batch, then h1 and o1 together, then f2 once on its own")
                                                 .isEqualTo(3);

            allowEventsAgain();
            assertThat(recorder.record(List.of(code(failing, "f3")))).extracting(Recording::openedSession)
                                                                     .containsExactly(true);
            assertThat(storedMessages(failing)).containsExactly("f3");
        } finally {
            release.countDown();
            allowEventsAgain();
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

    /** A trigger on the event table that refuses the tenant's events, as if its sessions could not take them. */
    private void refuseEventsOf(TenantSettings tenant) {
        jdbc.execute("""
                     CREATE FUNCTION refuse_events_of_a_tenant() RETURNS trigger LANGUAGE plpgsql AS $$
                     BEGIN
                         IF NEW.aggregate_identifier LIKE '%s.%%' THEN
                             RAISE EXCEPTION 'events of this tenant are refused (test)';
                         END IF;
                         RETURN NEW;
                     END $$
                     """.formatted(tenant.tenantId()));
        jdbc.execute("CREATE TRIGGER refuse_events_of_a_tenant BEFORE INSERT ON domain_event_entry FOR EACH ROW "
                     + "EXECUTE FUNCTION refuse_events_of_a_tenant()");
    }

    private void allowEventsAgain() {
        jdbc.execute("DROP TRIGGER IF EXISTS refuse_events_of_a_tenant ON domain_event_entry");
        jdbc.execute("DROP FUNCTION IF EXISTS refuse_events_of_a_tenant()");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
