package dev.livesessions.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livesessions.Http;
import dev.livesessions.TestDatabase;
import dev.livesessions.api.ArchiveIfIdle;
import dev.livesessions.api.ChangeAutoCleanup;
import dev.livesessions.api.CloseLiveSession;
import dev.livesessions.api.DeleteSession;
import dev.livesessions.api.LiveSessionEvent;
import dev.livesessions.api.LiveSignal;
import dev.livesessions.api.OpenLiveSession;
import dev.livesessions.api.RestoreSession;
import dev.livesessions.api.SessionIds;
import dev.livesessions.api.SessionTerms;
import dev.livesessions.api.SignalSource;
import dev.livesessions.cli.LiveSessionsCli;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ContextConfiguration;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A long mixed history (thousands of sessions opened, active, closed, archived, deleted, restored, with auto-cleanup
 * switched), then the read models rebuilt from the stream: by a verification in memory, and by a full replay. Runs in
 * a database of its own, so that nothing else writes while the tables are compared.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
                properties = "live-sessions.recorder.writers=3")
@ContextConfiguration(initializers = TestDatabase.class)
@Import({ReplayIntegrationTest.WorkPackageGate.class, ReplayIntegrationTest.RetryGate.class})
class ReplayIntegrationTest {

    private static final int TENANTS = 200;
    private static final int SESSIONS_EACH = 15;

    @LocalServerPort
    int port;
    @Autowired
    CommandGateway commands;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    MeterRegistry meters;
    @Autowired
    WorkPackageGate workPackages;
    @Autowired
    RetryGate retries;
    @Autowired
    EventProcessingConfiguration processing;

    @Test
    void aRebuildFromTheStreamGivesReadModelsIdenticalToTheLiveOnes() throws Exception {
        writeAMixedHistory();
        Http http = new Http(port);
        awaitSettled(http);
        Map<String, String> live = checksums();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM live_session WHERE tenant_id LIKE 'history-%'",
                                       Long.class)).isEqualTo(TENANTS * SESSIONS_EACH);

        JsonNode verification = http.post("/api/replays/verification", Map.of()).body();
        assertThat(verification.get("differences")).isEmpty();
        assertThat(verification.get("sessionsCompared").asLong())
                .isEqualTo(jdbc.queryForObject("SELECT count(*) FROM live_session", Long.class));

        // The work packages are held at their first batch, so their buffers fill up while the coordinator reads on.
        // It must then come back after 10 ms instead of Axon's 100 (ADR 22): should Axon change that wait, the counter
        // stays still, and PromptCoordinatorExecutor is to be revisited.
        double buffersFullBefore = meters.counter(ReadModels.BUFFERS_FULL).count();
        workPackages.hold();
        try {
            Http.Response replay = http.post("/api/replays", Map.of());
            assertThat(replay.status()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    meters.counter(ReadModels.BUFFERS_FULL).count()).isGreaterThan(buffersFullBefore));
            // Another replay would empty the read models and start over; a verification would find them all missing.
            Http.Response again = http.post("/api/replays", Map.of());
            assertThat(again.status()).isEqualTo(409);
            assertThat(again.body().get("detail").asText()).contains("running already");
            assertThat(http.post("/api/replays/verification", Map.of()).status()).isEqualTo(409);
            // A cleanup run would miss the sessions not rebuilt yet, and succeed having done less than asked.
            JsonNode cleanup = http.post("/api/cleanup-runs", Map.of("dryRun", true)).body();
            assertThat(cleanup.get("status").asText()).isEqualTo("FAILED");
            assertThat(cleanup.get("failure").asText()).startsWith("A replay is rebuilding the read models");
        } finally {
            workPackages.release();
        }
        await().atMost(Duration.ofMinutes(3)).untilAsserted(() -> {
            // The API keeps answering while the read models are rebuilt.
            assertThat(http.get("/api/stats").status()).isEqualTo(200);
            JsonNode progress = http.get("/api/replays/progress").body();
            assertThat(progress.get("replaying").asBoolean()).isFalse();
            assertThat(progress.get("position").asLong()).isEqualTo(progress.get("head").asLong());
        });
        assertThat(checksums()).isEqualTo(live);

        StringWriter out = new StringWriter();
        int exitCode = LiveSessionsCli.run(new String[] {"--url", "http://localhost:" + port, "--token",
                                                          Http.ADMIN_TOKEN, "replay"},
                                           new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
        assertThat(exitCode).isZero();
        assertThat(out.toString()).contains("Read models rebuilt");
        assertThat(checksums()).isEqualTo(live);

        // A verification compares the columns the dashboard does not show too.
        Map<String, Object> restored = jdbc.queryForMap(
                "SELECT session_id, restored_at FROM live_session WHERE restored_at IS NOT NULL LIMIT 1");
        jdbc.update("UPDATE live_session SET restored_at = NULL WHERE session_id = ?", restored.get("session_id"));
        try {
            assertThat(http.post("/api/replays/verification", Map.of()).body().get("differences").toString())
                    .contains("session " + restored.get("session_id") + " is ");
        } finally {
            jdbc.update("UPDATE live_session SET restored_at = ? WHERE session_id = ?", restored.get("restored_at"),
                        restored.get("session_id"));
        }
    }

    @Test
    void theProgressCountsTheEventsEverySegmentHasPassedOver() {
        Http http = new Http(port);
        String tenant = Http.uniqueTenant("progress");
        http.createTenant(tenant, "PT1H", "+33600000000");
        assertThat(http.message(tenant, "m1", "+33600000000", "live").status()).isEqualTo(200);
        long stored = jdbc.queryForObject(
                "SELECT max(global_index) FROM domain_event_entry WHERE aggregate_identifier = ?",
                Long.class, tenant + ".1");

        await().atMost(Duration.ofSeconds(15)).until(() -> http.get("/api/sessions/" + tenant + ".1").status() == 200);

        // The session's events belong to one segment, which has now written them. The other three passed over them at
        // the same time, but store their tokens only every 5 s (Axon's claim extension): the progress does not wait.
        await().atMost(Duration.ofMillis(1500)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> assertThat(
                http.get("/api/replays/progress").body().get("position").asLong()).isGreaterThanOrEqualTo(stored));
    }

    /**
     * An event whose transaction commits after later ones: the read models passed over its position and take it only
     * when they look again, while a verification that reads the stream then sees it. Its tenant moved on during the
     * verification, and is left out rather than reported.
     */
    @Test
    void aVerificationLeavesOutATenantWhoseEventCommittedAfterTheReadModelsPassedItsPosition() {
        Http http = new Http(port);
        String tenant = Http.uniqueTenant("late");
        String neighbour = Http.uniqueTenant("late");
        http.createTenant(tenant, "PT1H", "+33600000000");
        http.createTenant(neighbour, "PT1H", "+33600000000");
        String sessionId = http.message(tenant, "m1", "+33600000000", "live").body().get("sessionId").asText();
        // A transaction that took its position and has not committed yet.
        long late = jdbc.queryForObject("SELECT nextval('domain_event_entry_global_index_seq')", Long.class);
        http.message(neighbour, "m1", "+33600000000", "live");
        long head = jdbc.queryForObject("SELECT max(global_index) FROM domain_event_entry", Long.class);
        await().atMost(Duration.ofSeconds(15)).until(
                () -> http.get("/api/replays/progress").body().get("position").asLong() >= head);

        workPackages.hold();
        try {
            // It commits: the session's last event once more, as a second seller message.
            jdbc.update("""
                    INSERT INTO domain_event_entry (global_index, event_identifier, aggregate_identifier,
                        sequence_number, type, time_stamp, payload_type, payload_revision, payload, meta_data)
                    SELECT ?, gen_random_uuid()::text, aggregate_identifier, sequence_number + 1, type, time_stamp,
                        payload_type, payload_revision, payload, meta_data
                    FROM domain_event_entry WHERE aggregate_identifier = ? ORDER BY sequence_number DESC LIMIT 1
                    """, late, sessionId);

            JsonNode verification = http.post("/api/replays/verification", Map.of()).body();

            assertThat(verification.get("differences")).isEmpty();
            assertThat(verification.get("tenantsLeftOut").asInt()).isPositive();
        } finally {
            workPackages.release();
        }
        await().atMost(Duration.ofSeconds(15)).until(
                () -> http.get("/api/sessions/" + sessionId).body().get("sellerMessages").asLong() == 2);
        assertThat(http.post("/api/replays/verification", Map.of()).body().get("differences")).isEmpty();
    }

    /**
     * A tenant's parked events are retried while its live goes on: a batch of the processor has read the tenant's
     * rows, and applies its next event once the retry has emptied the tenant's sequence. The batch must not write back
     * rows that miss what the retry applied.
     */
    @Test
    void aRetryOfParkedEventsWhileABatchHoldsTheTenantsRowsLosesNothing() throws Exception {
        Http http = new Http(port);
        OneSegment tenants = tenantsOfOneSegment(http, "retried");
        String parked = tenants.parked();
        ParkedEvents.parkASecondCode(http, jdbc, parked);
        ParkedEvents.putTheRowBack(jdbc, parked);

        codeInABatchWithAnotherTenant(http, tenants, "A3");
        CountDownLatch batchHeld = workPackages.holdAt(tenants.alongside());
        Future<Http.Response> retry;
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            assertThat(batchHeld.await(15, TimeUnit.SECONDS)).isTrue();
            retry = caller.submit(() -> http.post("/api/dead-letters/retry", Map.of()));
            // The held batch holds the parked tenant's code, and its lock: the retry waits for it.
            await().atMost(Duration.ofSeconds(15)).until(this::aTransactionWaitsForATenant);
        } finally {
            workPackages.release();
            caller.shutdown();
        }

        retriedWithEveryCodeCounted(http, retry, parked + ".1", 3);
    }

    /**
     * A tenant's parked events hold back the opening of its next session, and are retried while that session's live
     * goes on. A batch that starts while the retry is under way must wait for it, though the session has no row yet
     * to be locked, and then apply the session's next event: not park it again for want of the row.
     */
    @Test
    void aBatchThatStartsWhileARetryOpensTheTenantsSessionWaitsForIt() throws Exception {
        Http http = new Http(port);
        OneSegment tenants = tenantsOfOneSegment(http, "reopened");
        String parked = tenants.parked();
        ParkedEvents.parkASecondCode(http, jdbc, parked);
        assertThat(http.post("/api/sessions/" + parked + ".1/deactivate", Map.of()).status()).isEqualTo(200);
        assertThat(http.message(parked, "reopening", "+33600000000", "live again").status()).isEqualTo(200);
        await().until(() -> ParkedEvents.of(http, parked).stream().anyMatch(
                event -> event.get("eventType").asText().equals("LiveSessionCreated")));
        ParkedEvents.putTheRowBack(jdbc, parked);

        // That batch reads its rows while the retry is under way, and waits for it.
        Future<Http.Response> retry = retriedWhileABatchStarts(
                http, parked, () -> codeInABatchWithAnotherTenant(http, tenants, "A9"));

        retriedWithEveryCodeCounted(http, retry, parked + ".2", 1);
    }

    /**
     * The same, with the tenant's code first in the batch. Axon asks whether the tenant has events parked before the
     * batch reads any row: the batch must wait for the retry before that, or the question sees the events the retry is
     * taking out of the queue, and the code is parked behind them, to stay parked after a retry that went through.
     */
    @Test
    void aBatchThatStartsWithTheCodeOfATenantBeingRetriedWaitsForTheRetry() throws Exception {
        Http http = new Http(port);
        OneSegment tenants = tenantsOfOneSegment(http, "first");
        String parked = tenants.parked();
        ParkedEvents.parkASecondCode(http, jdbc, parked);
        ParkedEvents.putTheRowBack(jdbc, parked);

        Future<Http.Response> retry = retriedWhileABatchStarts(http, parked, () -> {
            holdTheSegment(http, tenants);
            http.message(tenants.parked(), "code-A5", "+33700000009", "A5");
            http.message(tenants.alongside(), "m1", "+33600000000", "live");
            awaitTheHeldSegmentGiven();
        });

        retriedWithEveryCodeCounted(http, retry, parked + ".1", 3);
    }

    /** What a test sends while a retry is held; may wait. */
    private interface Sending {
        void send() throws InterruptedException;
    }

    /**
     * Retries the parked tenant's events, and holds the retry at the tenant's first parked event (the tenant locked)
     * while {@code batch} sends what the segment's next batch holds; then lets the segment go, and sees that batch wait
     * for the retry. The retry goes on once this returns.
     */
    private Future<Http.Response> retriedWhileABatchStarts(Http http, String parked, Sending batch)
            throws InterruptedException {
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            CountDownLatch retryHeld = retries.holdAt(parked);
            Future<Http.Response> retry = caller.submit(() -> http.post("/api/dead-letters/retry", Map.of()));
            assertThat(retryHeld.await(15, TimeUnit.SECONDS)).isTrue();
            batch.send();
            workPackages.release();
            await().atMost(Duration.ofSeconds(15)).until(this::aTransactionWaitsForATenant);
            return retry;
        } finally {
            workPackages.release();
            retries.release();
            caller.shutdown();
        }
    }

    /**
     * A tenant whose events are to be parked, and two more whose events go to its segment: one to hold the segment,
     * the other to share a batch with the first.
     */
    private record OneSegment(String parked, String before, String alongside) {
    }

    private static OneSegment tenantsOfOneSegment(Http http, String prefix) {
        String parked = Http.uniqueTenant(prefix);
        OneSegment tenants = new OneSegment(parked, inTheSegmentOf(parked, "before"),
                                            inTheSegmentOf(parked, "alongside"));
        for (String tenant : List.of(tenants.parked(), tenants.before(), tenants.alongside())) {
            assertThat(http.createTenant(tenant, "PT1H", "+33600000000").status()).isEqualTo(201);
        }
        return tenants;
    }

    /**
     * The segment is held at a message of the tenant before, while a message of the tenant alongside and a code of
     * the parked tenant arrive and reach the segment's buffer, so that the two go into one batch (the tests then see
     * a transaction wait for the parked tenant's lock). The segment stays held.
     */
    private void codeInABatchWithAnotherTenant(Http http, OneSegment tenants, String code) throws InterruptedException {
        holdTheSegment(http, tenants);
        http.message(tenants.alongside(), "m1", "+33600000000", "live");
        http.message(tenants.parked(), "code-" + code, "+33700000009", code);
        awaitTheHeldSegmentGiven();
    }

    /**
     * Waits until the held segment's buffer has every event stored so far: Axon's coordinator hands each event to
     * every segment in turn, so once the three other segments have passed over the last one, the held one has it.
     */
    private void awaitTheHeldSegmentGiven() {
        long last = jdbc.queryForObject("SELECT max(global_index) FROM domain_event_entry", Long.class);
        StreamingEventProcessor readModels = processing.eventProcessor(ReadModels.PROCESSING_GROUP,
                                                                        StreamingEventProcessor.class).orElseThrow();
        await().atMost(Duration.ofSeconds(15)).until(() -> readModels.processingStatus().values().stream().filter(
                segment -> segment.getCurrentPosition().orElse(-1) >= last).count() >= 3);
    }

    /**
     * Holds the segment at a message of the tenant before, once its session is open: the message is then one event,
     * and the batch that follows starts with what comes next.
     */
    private void holdTheSegment(Http http, OneSegment tenants) throws InterruptedException {
        http.message(tenants.before(), "m0", "+33600000000", "live");
        await().atMost(Duration.ofSeconds(15)).until(
                () -> http.get("/api/sessions/" + tenants.before() + ".1").status() == 200);
        CountDownLatch segmentHeld = workPackages.holdAt(tenants.before());
        http.message(tenants.before(), "m1", "+33600000000", "still live");
        assertThat(segmentHeld.await(15, TimeUnit.SECONDS)).isTrue();
    }

    /** Whether a transaction of this test's database waits for one of the read models' tenant locks. */
    private boolean aTransactionWaitsForATenant() {
        return jdbc.queryForObject("""
                SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = ?
                               AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))
                """, Boolean.class, DatabaseReadModelStore.TENANT_LOCKS);
    }

    /**
     * The retry applied the tenant's parked events, the session counts every code, nothing of the tenant is parked,
     * and the read models are as the stream says.
     */
    private void retriedWithEveryCodeCounted(Http http, Future<Http.Response> retry, String sessionId, long codes)
            throws Exception {
        assertThat(retry.get(30, TimeUnit.SECONDS).body().get("retried").asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(
                http.get("/api/sessions/" + sessionId).body().path("clientCodes").asLong()).isEqualTo(codes));
        assertThat(ParkedEvents.of(http, SessionIds.tenantOf(sessionId))).isEmpty();
        assertThat(http.post("/api/replays/verification", Map.of()).body().get("differences")).isEmpty();
    }

    /** A tenant whose events go to the same segment as the given tenant's (up to 256 segments). */
    private static String inTheSegmentOf(String tenant, String prefix) {
        String other;
        do {
            other = Http.uniqueTenant(prefix);
        } while ((other.hashCode() & 0xFF) != (tenant.hashCode() & 0xFF));
        return other;
    }

    @Test
    void aReplayRefusedBecauseAnotherNodeHoldsASegmentLeavesTheReadModelsRunning() {
        Http http = new Http(port);
        await().atMost(Duration.ofSeconds(30)).until(() -> segmentsHeldHere() == 4);
        // Another node holds segment 0, with a claim fresh for a minute.
        String claimedUntil = DateTimeFormatter.ISO_INSTANT.format(Instant.now().plus(Duration.ofMinutes(1))
                                                                          .truncatedTo(ChronoUnit.MILLIS));
        jdbc.update("UPDATE token_entry SET owner = 'another-node', timestamp = ? "
                    + "WHERE processor_name = ? AND segment = 0", claimedUntil, ReadModels.PROCESSING_GROUP);
        try {
            Http.Response refused = http.post("/api/replays", Map.of());

            assertThat(refused.status()).isEqualTo(409);
            assertThat(refused.body().get("detail").asText()).contains("Another node");
            assertThat(http.get("/api/replays/progress").body().get("running").asBoolean()).isTrue();
        } finally {
            jdbc.update("UPDATE token_entry SET owner = NULL WHERE processor_name = ? AND segment = 0",
                        ReadModels.PROCESSING_GROUP);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> segmentsHeldHere() == 4);
    }

    private int segmentsHeldHere() {
        return processing.eventProcessor(ReadModels.PROCESSING_GROUP, StreamingEventProcessor.class)
                         .map(processor -> processor.processingStatus().size()).orElse(0);
    }

    @Test
    void aReplayTakesBackTheEventsParkedBeforeItAndParksNoneOfThem() {
        Http http = new Http(port);
        String tenant = Http.uniqueTenant("parked");
        assertThat(http.createTenant(tenant, "PT1H", "+33600000000").status()).isEqualTo(201);
        ParkedEvents.parkASecondCode(http, jdbc, tenant);
        ParkedEvents.forgetTheRow(jdbc, tenant);

        assertThat(http.post("/api/replays", Map.of()).status()).isEqualTo(202);

        await().atMost(Duration.ofMinutes(3)).untilAsserted(() -> {
            JsonNode progress = http.get("/api/replays/progress").body();
            assertThat(progress.get("replaying").asBoolean()).isFalse();
            assertThat(progress.get("position").asLong()).isEqualTo(progress.get("head").asLong());
        });
        assertThat(http.get("/api/dead-letters").body()).isEmpty();
        assertThat(http.get("/api/sessions/" + tenant + ".1").body().get("clientCodes").asLong()).isEqualTo(2);
    }

    /** Every tenant's lives one after the other, in the past, each ending in one of the ways a session can. */
    private void writeAMixedHistory() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> tenants = new ArrayList<>();
            for (int t = 0; t < TENANTS; t++) {
                String tenant = "history-" + t;
                Random random = new Random(t);
                tenants.add(threads.submit(() -> IntStream.rangeClosed(1, SESSIONS_EACH)
                                                          .forEach(n -> live(tenant, n, random))));
            }
            for (Future<?> tenant : tenants) {
                tenant.get();
            }
        } finally {
            threads.shutdown();
        }
    }

    private void live(String tenant, int number, Random random) {
        String sessionId = tenant + "." + number;
        // Long enough ago that every archive deadline is already due: nothing moves on while the models are compared.
        Instant start = Instant.now().minus(Duration.ofDays(90 - 2L * number));
        SessionTerms terms = new SessionTerms(Duration.ofHours(1), random.nextInt(4) > 0, null);
        // All the signals in the opening command: the session's window is long past, and its deadline may close it
        // at any moment (a later signal would then open the tenant's next session).
        List<LiveSignal> signals = new ArrayList<>();
        signals.add(signal(sessionId + "-0", SignalSource.SELLER, start));
        IntStream.rangeClosed(1, random.nextInt(5)).forEach(
                i -> signals.add(signal(sessionId + "-" + i, SignalSource.CLIENT, start.plusSeconds(60L * i))));
        commands.sendAndWait(new OpenLiveSession(sessionId, tenant, number, terms, signals));
        Instant end = start.plus(Duration.ofMinutes(10));
        commands.sendAndWait(new CloseLiveSession(sessionId, end));
        Instant now = Instant.now();
        switch (random.nextInt(6)) {
            case 0 -> commands.sendAndWait(new ArchiveIfIdle(sessionId, now, Duration.ofDays(1)));
            case 1 -> commands.sendAndWait(new DeleteSession(sessionId, now));
            case 2 -> {
                commands.sendAndWait(new DeleteSession(sessionId, now));
                commands.sendAndWait(new RestoreSession(sessionId, now));
            }
            case 3 -> commands.sendAndWait(new ChangeAutoCleanup(sessionId, !terms.autoCleanup(), now));
            default -> {
                // stays closed
            }
        }
    }

    private void awaitSettled(Http http) {
        await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> {
            assertThat(jdbc.queryForObject("SELECT count(*) FROM scheduled_tasks WHERE execution_time < now() "
                                                   + "AND task_name = 'AxonDeadline'", Long.class)).isZero();
            JsonNode progress = http.get("/api/replays/progress").body();
            assertThat(progress.get("position").asLong()).isEqualTo(progress.get("head").asLong());
        });
    }

    /** One checksum per read-model table, over all its rows in a fixed order. */
    private Map<String, String> checksums() {
        return Map.of(
                "live_session", jdbc.queryForObject(
                        "SELECT md5(string_agg(s::text, '|' ORDER BY session_id)) FROM live_session s", String.class),
                "tenant_stats", jdbc.queryForObject(
                        "SELECT md5(string_agg(s::text, '|' ORDER BY tenant_id)) FROM tenant_stats s", String.class),
                "tenant_idle_day", jdbc.queryForObject(
                        "SELECT md5(string_agg(d::text, '|' ORDER BY tenant_id, day)) FROM tenant_idle_day d "
                                + "WHERE sessions <> 0", String.class));
    }

    /**
     * An event handler of the read models' processor that writes nothing, and can hold the processor's work packages
     * at their next batch, or at the batch with a given tenant's next event.
     */
    @ProcessingGroup(ReadModels.PROCESSING_GROUP)
    static class WorkPackageGate {

        private final DatabaseReadModelStore store;
        private volatile CountDownLatch released = new CountDownLatch(0);
        /** The tenant whose event holds its batch; null for any event. */
        private volatile String heldTenant;
        private volatile CountDownLatch reached = new CountDownLatch(0);

        WorkPackageGate(DatabaseReadModelStore store) {
            this.store = store;
        }

        synchronized void hold() {
            heldTenant = null;
            released = new CountDownLatch(1);
        }

        /**
         * Holds the batch with the tenant's next event once the batch has read its rows, and lets go of the batch
         * held before. The latch returned opens when the batch is held.
         */
        synchronized CountDownLatch holdAt(String tenantId) {
            CountDownLatch before = released;
            heldTenant = tenantId;
            reached = new CountDownLatch(1);
            released = new CountDownLatch(1);
            before.countDown();
            return reached;
        }

        void release() {
            released.countDown();
        }

        @EventHandler
        void on(LiveSessionEvent event) throws InterruptedException {
            String tenant = heldTenant;
            CountDownLatch gate = released;
            if (tenant != null) {
                if (!tenant.equals(event.tenantId())) {
                    return;
                }
                store.session(event.sessionId());
                reached.countDown();
            }
            // Bounded, so that a test that fails before releasing cannot hang the processor.
            gate.await(1, TimeUnit.MINUTES);
        }
    }

    /**
     * An event handler of the read models' processor that writes nothing, and can hold a retry of parked events (on
     * the request's thread, not the processor's) at a tenant's first event, once it has read and locked its rows.
     */
    @ProcessingGroup(ReadModels.PROCESSING_GROUP)
    static class RetryGate {

        private final DatabaseReadModelStore store;
        private volatile String heldTenant;
        private volatile CountDownLatch reached = new CountDownLatch(0);
        private volatile CountDownLatch released = new CountDownLatch(0);

        RetryGate(DatabaseReadModelStore store) {
            this.store = store;
        }

        /** The latch returned opens when the retry is held. */
        synchronized CountDownLatch holdAt(String tenantId) {
            heldTenant = tenantId;
            reached = new CountDownLatch(1);
            released = new CountDownLatch(1);
            return reached;
        }

        void release() {
            released.countDown();
        }

        @EventHandler
        void on(LiveSessionEvent event) throws InterruptedException {
            if (Thread.currentThread().getName().startsWith("WorkPackage") || !event.tenantId().equals(heldTenant)) {
                return;
            }
            store.session(event.sessionId());
            reached.countDown();
            // Bounded, so that a test that fails before releasing cannot hang the retry.
            released.await(1, TimeUnit.MINUTES);
        }
    }

    private static LiveSignal signal(String messageId, SignalSource source, Instant at) {
        return new LiveSignal(messageId, source, source == SignalSource.CLIENT ? "A1" : null, at, at, "history");
    }
}
