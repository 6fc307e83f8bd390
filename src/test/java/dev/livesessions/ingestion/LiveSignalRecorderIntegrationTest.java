package dev.livesessions.ingestion;

import dev.livesessions.Http;
import dev.livesessions.IntegrationTest;
import dev.livesessions.LiveSessionsProperties;
import dev.livesessions.api.LiveSignal;
import dev.livesessions.api.SessionTerms;
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
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.CannotCreateTransactionException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
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
    @Autowired
    ApplicationContext context;

    /**
     * Lifecycles start in the order of their phases and stop in the reverse: the writer runs before the web server
     * takes requests and until it has stopped taking them, and the closures' deadlines are run in the meantime only.
     */
    @Test
    void theWriterRunsForAsLongAsTheWebServerTakesRequests() {
        int webServer = context.getBean("webServerStartStop", SmartLifecycle.class).getPhase();
        int writer = context.getBean(LiveSignalRecorder.class).getPhase();

        assertThat(writer).isLessThan(webServer)
                          .isGreaterThan(context.getBean("deadlinesWhileRunning", SmartLifecycle.class).getPhase());
    }

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
        LiveSignalRecorder recorder = new LiveSignalRecorder(inboundMessages, router, jdbc, failingOnce, properties,
                                                             new SimpleMeterRegistry());
        recorder.start();
        try {
            assertThatThrownBy(() -> recorder.record(List.of(code(tenant, "lost-to-the-error"))))
                    .isInstanceOf(SignalsNotRecordedException.class)
                    .hasRootCauseInstanceOf(OutOfMemoryError.class);

            assertThatThrownBy(() -> recorder.record(List.of(code(tenant, "after-the-error"))))
                    .isInstanceOf(SignalsNotRecordedException.class)
                    .hasMessageContaining("restart");
            assertThat(new LiveSignalWriterHealth(recorder, properties).health().getStatus()).isEqualTo(Status.DOWN);
            assertThat(storedMessages(tenant)).isEmpty();
            assertThat(canClaim(tenant, "lost-to-the-error")).as("the failed batch's claim is released").isTrue();
        } finally {
            recorder.stop();
        }
    }

    /**
     * A tenant whose signals fail batch after batch (here PostgreSQL refuses its events) took every batch it shared
     * down with it, each then retried tenant by tenant: one transaction per tenant. Once its signals have failed on
     * their own while the others' were stored, they are written apart, once a batch, and the others' batches commit
     * whole, until a write of its commits.
     */
    @Test
    void aTenantWhoseSignalsKeepFailingIsWrittenApartFromTheOthers() throws Exception {
        TenantSettings failing = newTenant("failing");
        TenantSettings healthy = newTenant("healthy");
        TenantSettings other = newTenant("healthy");
        BatchesOfOurOwn batches = new BatchesOfOurOwn(healthy);
        refuseEventsOf(failing.tenantId() + ".%");
        try {
            List<CompletableFuture<List<Recording>>> first = batches.inOneBatch(code(failing, "f1"),
                                                                                code(healthy, "h1"));
            assertThat(first.get(1).get(10, TimeUnit.SECONDS)).extracting(Recording::duplicate).containsExactly(false);
            assertThatThrownBy(() -> first.get(0).get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(SignalsNotRecordedException.class);

            List<CompletableFuture<List<Recording>>> second = batches.inOneBatch(code(failing, "f2"),
                                                                                 code(healthy, "h2"),
                                                                                 code(other, "o2"));
            assertThat(second.get(1).get(10, TimeUnit.SECONDS)).extracting(Recording::duplicate).containsExactly(false);
            assertThat(second.get(2).get(10, TimeUnit.SECONDS)).extracting(Recording::duplicate).containsExactly(false);
            assertThatThrownBy(() -> second.get(0).get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(SignalsNotRecordedException.class);
            assertThat(batches.transactionsOfTheBatch()).as("h2 and o2 together, then f2 once on its own")
                                                        .isEqualTo(2);

            allowEventsAgain();
            List<CompletableFuture<List<Recording>>> third = batches.inOneBatch(code(failing, "f3"),
                                                                                code(healthy, "h3"));
            assertThat(third.get(0).get(10, TimeUnit.SECONDS)).extracting(Recording::openedSession)
                                                              .containsExactly(true);
            List<CompletableFuture<List<Recording>>> fourth = batches.inOneBatch(code(failing, "f4"),
                                                                                 code(healthy, "h4"));
            CompletableFuture.allOf(fourth.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            assertThat(batches.transactionsOfTheBatch()).as("f4 and h4 together again").isEqualTo(1);
            assertThat(storedMessages(failing)).containsExactly("f3", "f4");
        } finally {
            allowEventsAgain();
            batches.stop();
        }
    }

    /** When every tenant's signals fail, the trouble is the database's, not a tenant's: none is written apart. */
    @Test
    void aDatabaseRefusingEveryTenantsEventsSetsNoTenantApart() throws Exception {
        TenantSettings first = newTenant("refused-by-db");
        TenantSettings second = newTenant("refused-by-db");
        BatchesOfOurOwn batches = new BatchesOfOurOwn(first);
        refuseEventsOf("refused-by-db-%");
        try {
            List<CompletableFuture<List<Recording>>> refused = batches.inOneBatch(code(first, "a1"),
                                                                                  code(second, "b1"));
            assertNotRecorded(refused);

            allowEventsAgain();
            List<CompletableFuture<List<Recording>>> stored = batches.inOneBatch(code(first, "a2"),
                                                                                 code(second, "b2"));
            CompletableFuture.allOf(stored.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            assertThat(batches.transactionsOfTheBatch()).as("a2 and b2 together").isEqualTo(1);
        } finally {
            allowEventsAgain();
            batches.stop();
        }
    }

    /**
     * A row that another transaction holds (here another node claiming the same message id, and stalling before it
     * commits) held up the whole batch for as long as that transaction lasted, and every batch queued behind it on
     * the writer. The write now waits for it for the lock timeout only; the batch is retried tenant by tenant, and the
     * other tenants' signals are stored.
     */
    @Test
    void aRowHeldByAnotherTransactionHoldsUpOnlyTheSignalsThatNeedIt() throws Exception {
        // The service's default: the tests' 3 s leave a loaded machine about 1 s beside the held signal's tries.
        LiveSessionsProperties answeringWithin10s = answeringWithin(Duration.ofSeconds(10));
        assertThat(properties.recorder().lockTimeout().multipliedBy(properties.recorder().attempts()))
                .as("the held signal's tries, each waiting for the lock, end before the other signal's answer is due")
                .isLessThan(answeringWithin10s.recorder().answerWithin());
        TenantSettings held = newTenant("held-row");
        TenantSettings free = newTenant("free-row");
        BatchesOfOurOwn batches = new BatchesOfOurOwn(newTenant("holder"), answeringWithin10s);
        try (Connection otherNode = dataSource.getConnection()) {
            otherNode.setAutoCommit(false);
            try (PreparedStatement claim = otherNode.prepareStatement(
                    "INSERT INTO inbound_message (tenant_id, message_id, received_at) VALUES (?, 'h1', now())")) {
                claim.setString(1, held.tenantId());
                claim.executeUpdate();
            }
            List<CompletableFuture<List<Recording>>> recordings = batches.inOneBatch(code(held, "h1"),
                                                                                     code(free, "f1"));

            assertThat(recordings.get(1).get(5, TimeUnit.SECONDS)).extracting(Recording::duplicate)
                                                                  .containsExactly(false);
            assertNotRecorded(recordings.subList(0, 1));
            otherNode.rollback();
        } finally {
            batches.stop();
        }
        assertThat(storedMessages(free)).containsExactly("f1");
        assertThat(storedMessages(held)).isEmpty();
    }

    /**
     * When the database goes away while a batch is retried tenant by tenant, the tenants not tried yet are answered at
     * once, rather than each waiting in turn for a connection that will not come, and retried no more.
     */
    @Test
    void aDatabaseLostWhileABatchIsRetriedTenantByTenantEndsTheRetries() throws Exception {
        assertThat(properties.recorder().attempts()).as("a tenant retried more than once").isGreaterThan(2);
        TenantSettings refused = newTenant("lost-db");
        TenantSettings second = newTenant("lost-db");
        TenantSettings third = newTenant("lost-db");
        BatchesOfOurOwn batches = new BatchesOfOurOwn(second);
        refuseEventsOf(refused.tenantId() + ".%");
        try {
            batches.loseTheDatabaseAfterTheFirstTransactionOfTheBatch();
            List<CompletableFuture<List<Recording>>> lost = batches.inOneBatch(code(refused, "r1"),
                                                                               code(second, "s1"),
                                                                               code(third, "t1"));

            assertNotRecorded(lost);
            assertThat(batches.transactionsOfTheBatch()).as("the batch's, then the first tenant's, once")
                                                        .isEqualTo(2);
        } finally {
            allowEventsAgain();
            batches.stop();
        }
    }

    /** The same once tenants are written apart: after one of them finds the database gone, the others are not tried. */
    @Test
    void aDatabaseLostWhileFailingTenantsAreWrittenApartEndsTheirWrites() throws Exception {
        TenantSettings healthy = newTenant("apart-healthy");
        TenantSettings first = newTenant("apart-failing");
        TenantSettings second = newTenant("apart-failing");
        BatchesOfOurOwn batches = new BatchesOfOurOwn(healthy);
        refuseEventsOf("apart-failing-%");
        try {
            List<CompletableFuture<List<Recording>>> settingApart = batches.inOneBatch(code(first, "f1"),
                                                                                       code(second, "s1"),
                                                                                       code(healthy, "h1"));
            assertThat(settingApart.get(2).get(10, TimeUnit.SECONDS)).extracting(Recording::duplicate)
                                                                     .containsExactly(false);

            batches.loseTheDatabaseAfterTheFirstTransactionOfTheBatch();
            List<CompletableFuture<List<Recording>>> lost = batches.inOneBatch(code(first, "f2"), code(second, "s2"),
                                                                               code(healthy, "h2"));

            assertThat(lost.get(2).get(10, TimeUnit.SECONDS)).extracting(Recording::duplicate).containsExactly(false);
            assertNotRecorded(lost.subList(0, 2));
            assertThat(batches.transactionsOfTheBatch()).as("the healthy tenant's, then one failing tenant's")
                                                        .isEqualTo(2);
        } finally {
            allowEventsAgain();
            batches.stop();
        }
    }

    private static void assertNotRecorded(List<CompletableFuture<List<Recording>>> recordings) {
        assertThat(recordings).allSatisfy(recording -> assertThatThrownBy(() -> recording.get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(SignalsNotRecordedException.class));
    }

    /**
     * A recorder of the test's own whose batches the test makes: its writer is held on a signal of the given tenant
     * while the signals of the batch queue up, and the transactions it starts are counted.
     */
    private final class BatchesOfOurOwn {

        private final TenantSettings holder;
        private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
        private final AtomicInteger transactionsStarted = new AtomicInteger();
        private final AtomicBoolean databaseLost = new AtomicBoolean();
        /** The hold of the next transaction: reached once the writer is held, and opened to let it go on. */
        private final AtomicReference<Hold> hold = new AtomicReference<>();
        private final LiveSignalRecorder recorder;
        private int batch;

        BatchesOfOurOwn(TenantSettings holder) {
            this(holder, properties);
        }

        BatchesOfOurOwn(TenantSettings holder, LiveSessionsProperties settings) {
            assertThat(settings.recorder().writers()).as("the batches are made on one writer, the one held")
                                                       .isEqualTo(1);
            this.holder = holder;
            TransactionManager countingAndHolding = () -> {
                int started = transactionsStarted.incrementAndGet();
                Hold next = hold.getAndSet(null);
                if (next != null) {
                    next.reached().countDown();
                    awaitQuietly(next.opened());
                }
                if (next == null && databaseLost.get() && started > 1) {
                    throw new CannotCreateTransactionException("the database is gone (test)");
                }
                return transactions.startTransaction();
            };
            recorder = new LiveSignalRecorder(inboundMessages, router, jdbc, countingAndHolding, settings, meters);
            recorder.start();
        }

        /** @return each signal's recording, in the order given, once the batch is written */
        List<CompletableFuture<List<Recording>>> inOneBatch(TenantSignal... signals) throws Exception {
            // The hold is for this batch's first transaction, not for a retry of the last batch's.
            awaitTheLastBatchWritten();
            Hold next = new Hold(new CountDownLatch(1), new CountDownLatch(1));
            hold.set(next);
            CompletableFuture<List<Recording>> holding = record(code(holder, "holding-" + ++batch));
            assertThat(next.reached().await(10, TimeUnit.SECONDS)).isTrue();
            List<CompletableFuture<List<Recording>>> recordings = Stream.of(signals).map(this::record).toList();
            await().until(() -> meters.get(LiveSignalRecorder.QUEUED).gauge().value() == signals.length);
            transactionsStarted.set(0);
            next.opened().countDown();
            // The holding signal fails when its tenant's events are refused: only its end matters.
            holding.handle((recording, failure) -> null).get(10, TimeUnit.SECONDS);
            return recordings;
        }

        /** From the second transaction of the next batch on, no transaction can begin: no connection is left. */
        void loseTheDatabaseAfterTheFirstTransactionOfTheBatch() {
            awaitTheLastBatchWritten();
            databaseLost.set(true);
        }

        /**
         * A batch's failing tenants may still be retried, one after the other, after the signals the test waited for
         * were answered.
         */
        private void awaitTheLastBatchWritten() {
            await().until(() -> recorder.longestBatchUnderWay().isEmpty());
        }

        /** The transactions started for the batch last made, once its signals are answered. */
        int transactionsOfTheBatch() {
            return transactionsStarted.get();
        }

        private record Hold(CountDownLatch reached, CountDownLatch opened) {
        }

        private CompletableFuture<List<Recording>> record(TenantSignal signal) {
            return CompletableFuture.supplyAsync(() -> recorder.record(List.of(signal)));
        }

        void stop() {
            Hold next = hold.getAndSet(null);
            if (next != null) {
                next.opened().countDown();
            }
            recorder.stop();
        }
    }

    @Test
    void aDeliveryWithoutLiveSignalsIsAnsweredWhileTheRecorderStops() {
        TenantSettings tenant = newTenant("stopping");
        LiveSignalRecorder stopped = new LiveSignalRecorder(inboundMessages, router, jdbc, transactions, properties,
                                                            new SimpleMeterRegistry());

        assertThat(stopped.record(List.of())).isEmpty();
        assertThatThrownBy(() -> stopped.record(List.of(code(tenant, "while-stopping"))))
                .isInstanceOf(SignalsNotRecordedException.class);
        assertThat(storedMessages(tenant)).isEmpty();
    }

    /**
     * A trigger on the event table that refuses the events of the sessions whose ids are {@code LIKE} the pattern, as
     * if they could not take them.
     */
    private void refuseEventsOf(String sessionIds) {
        jdbc.execute("""
                     CREATE FUNCTION refuse_events_of_a_tenant() RETURNS trigger LANGUAGE plpgsql AS $$
                     BEGIN
                         IF NEW.aggregate_identifier LIKE '%s' THEN
                             RAISE EXCEPTION 'events of this tenant are refused (test)';
                         END IF;
                         RETURN NEW;
                     END $$
                     """.formatted(sessionIds));
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

    /** A write that could not even begin (no connection to the database) is counted with the writes rolled back. */
    @Test
    void aWriteThatCannotBeginItsTransactionIsCountedAsRolledBack() {
        TenantSettings tenant = newTenant("no-connection");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        TransactionManager noConnection = () -> {
            throw new CannotCreateTransactionException("no connection to the database (test)");
        };
        LiveSignalRecorder recorder = new LiveSignalRecorder(inboundMessages, router, jdbc, noConnection, properties,
                                                             meters);
        recorder.start();
        try {
            assertThatThrownBy(() -> recorder.record(List.of(code(tenant, "not-written"))))
                    .isInstanceOf(SignalsNotRecordedException.class);

            assertThat(meters.counter(LiveSignalRecorder.ROLLED_BACK).count()).isPositive();
        } finally {
            recorder.stop();
        }
    }

    /**
     * A batch writes its tenants in the order of their ids, whatever the order their signals came in: two nodes
     * writing the same two tenants at once take their rows in the same order, and neither waits on the other in a
     * deadlock.
     */
    @Test
    void aBatchWritesItsTenantsInTheOrderOfTheirIds() {
        TenantSettings later = newTenant("zz-order");
        TenantSettings earlier = newTenant("aa-order");

        router.route(List.of(signalsOf(later, "zz-1"), signalsOf(earlier, "aa-1")));

        assertThat(lastEventOf(earlier)).isLessThan(lastEventOf(later));
    }

    private static LiveSignalRouter.TenantSignals signalsOf(TenantSettings tenant, String messageId) {
        return new LiveSignalRouter.TenantSignals(tenant.tenantId(), new SessionTerms(tenant.inactivityWindow(),
                tenant.autoCleanupByDefault(), tenant.maxLifespan()), List.of(code(tenant, messageId).signal()));
    }

    private long lastEventOf(TenantSettings tenant) {
        return jdbc.queryForObject("SELECT max(global_index) FROM domain_event_entry WHERE aggregate_identifier LIKE ?",
                                   Long.class, tenant.tenantId() + ".%");
    }

    /** The service's settings, but for how long a webhook waits for its signals' commit. */
    private LiveSessionsProperties answeringWithin(Duration answerWithin) {
        LiveSessionsProperties.Recorder recorder = properties.recorder();
        return new LiveSessionsProperties(
                properties.inactivityWindow(), properties.inactiveHours(), properties.maxLifespan(),
                properties.cleanup(), properties.signals(),
                new LiveSessionsProperties.Recorder(recorder.writers(), recorder.maxBatchSize(), recorder.attempts(),
                                                    answerWithin, recorder.lockTimeout()),
                properties.tenants(), properties.webhooks(), properties.whatsapp(), properties.security(),
                properties.embeddedDatabase());
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
