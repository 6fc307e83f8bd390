package dev.livesessions.cleanup;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livesessions.Http;
import dev.livesessions.IntegrationTest;
import dev.livesessions.api.LiveSignal;
import dev.livesessions.api.OpenLiveSession;
import dev.livesessions.api.SessionTerms;
import dev.livesessions.api.SignalSource;
import dev.livesessions.LiveSessionsProperties;
import dev.livesessions.UtcClock;
import dev.livesessions.tenant.TenantDirectory;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.queryhandling.QueryGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.StreamSupport;

import static dev.livesessions.Http.uniqueTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Cleanup runs over a tenant with sessions of every age: the ages are made by opening sessions through the command
 * bus with signals received in the past (the webhook stamps signals with the present).
 */
@IntegrationTest
class CleanupRunIntegrationTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    CommandGateway commands;
    @Autowired
    CleanupRunRepository runRepository;
    @Autowired
    CleanupRunItemRepository itemRepository;
    @Autowired
    QueryGateway queries;
    @Autowired
    SessionCommands sessionCommands;
    @Autowired
    TransactionTemplate transactions;
    @Autowired
    LiveSessionsProperties properties;
    @Autowired
    TenantDirectory tenants;
    @Autowired
    MeterRegistry meters;

    private Http http;
    private String tenant;

    /** Closed, idle for 40 days, its archive announced to no one (automatic archiving is off): a run archives it. */
    private String old;
    /** Closed, idle for 40 days, auto-cleanup off: a run leaves it. */
    private String kept;
    /** Active (a week of window) but idle for two days: a run closes it. */
    private String idleActive;

    /**
     * One tenant's sessions one after the other, as its lives were; the old ones close as soon as they open. The
     * tenant archives nothing on its own, so that nothing is announced: a run leaves an announced archive to its date.
     */
    @BeforeEach
    void sessionsOfEveryAge() {
        http = new Http(port);
        tenant = uniqueTenant("clean");
        assertThat(http.post("/api/tenants", Map.of("id", tenant, "name", "Tenant " + tenant,
                                                    "sellerPhones", List.of("+33600000000"),
                                                    "automaticArchiving", false)).status()).isEqualTo(201);
        Instant now = Instant.now();
        old = open(1, now.minus(Duration.ofDays(40)), new SessionTerms(Duration.ofMinutes(45), true, null));
        await().until(() -> status(old).equals("CLOSED"));
        kept = open(2, now.minus(Duration.ofDays(40)), new SessionTerms(Duration.ofMinutes(45), false, null));
        await().until(() -> status(kept).equals("CLOSED"));
        idleActive = open(3, now.minus(Duration.ofDays(2)), new SessionTerms(Duration.ofDays(7), true, null));
        await().until(() -> status(idleActive).equals("ACTIVE"));
        // The fingerprints below compare states with the closures' deadlines gone from the scheduler.
        await().until(() -> deadlines("execution_time <= now()") == 0);
    }

    /** Read-model rows without events (made to fail a cleanup) would be differences for a later verification. */
    @AfterEach
    void forgetRowsWithoutEvents() {
        jdbc.update("DELETE FROM live_session WHERE session_id = ?", tenant + ".9");
    }

    @Test
    void aDryRunReportsWhatItWouldDoAndChangesNothing() {
        String before = fingerprint();

        Http.Response response = run(Map.of("dryRun", true));

        assertThat(response.status()).isEqualTo(201);
        JsonNode run = response.body();
        assertThat(run.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(run.get("dryRun").asBoolean()).isTrue();
        assertThat(items(run)).containsExactlyInAnyOrder(idleActive + " CLOSE WOULD_DO", old + " ARCHIVE WOULD_DO");
        assertThat(fingerprint()).isEqualTo(before);
    }

    @Test
    void aRunClosesIdleActiveSessionsAndArchivesOldOnesWithAutoCleanup() {
        JsonNode run = run(Map.of()).body();

        assertThat(run.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(run.get("closed").asLong()).isEqualTo(1);
        assertThat(run.get("archived").asLong()).isEqualTo(1);
        assertThat(items(run)).containsExactlyInAnyOrder(idleActive + " CLOSE DONE", old + " ARCHIVE DONE");
        await().untilAsserted(() -> {
            assertThat(status(idleActive)).isEqualTo("CLOSED");
            assertThat(status(old)).isEqualTo("ARCHIVED");
            assertThat(status(kept)).isEqualTo("CLOSED");
            JsonNode stats = http.get("/api/stats/" + tenant).body();
            assertThat(stats.get("archivedSessions").asLong()).isEqualTo(1);
            assertThat(stats.get("oldSessions").asLong()).isEqualTo(1);
            assertThat(stats.get("inactiveSessions").asLong()).isEqualTo(2);
        });
        assertThat(http.get("/api/cleanup-runs/" + run.get("id").asText()).body().get("items")).hasSize(2);
        JsonNode progress = http.get("/api/cleanup-runs/" + run.get("id").asText() + "?items=false").body();
        assertThat(progress.get("items")).isEmpty();
        assertThat(progress.get("processed").asLong()).isEqualTo(2);
        assertThat(http.get("/api/cleanup-runs").body().findValuesAsText("id")).contains(run.get("id").asText());
    }

    /**
     * A session whose archive delay passed before it closed still gets a full notice; a run, even a stricter one,
     * then leaves it to be archived on the date the notice gave, not before.
     */
    @Test
    void anArchiveAnnouncedToTheTenantIsLeftToTheDateItAnnounced() {
        String archiving = uniqueTenant("announced");
        http.createTenant(archiving, null, "+33600000000");
        String announced = archiving + ".1";
        Instant longAgo = Instant.now().minus(Duration.ofDays(40));
        commands.sendAndWait(new OpenLiveSession(announced, archiving, 1,
                                                 new SessionTerms(Duration.ofMinutes(45), true, null),
                                                 List.of(new LiveSignal("m1", SignalSource.SELLER, null, longAgo,
                                                                        longAgo, "c1"))));
        await().until(() -> noticeGiven(announced));
        String archiveAt = http.get("/api/sessions/" + announced).body().get("archiveAt").asText();
        assertThat(Instant.parse(archiveAt)).isAfter(Instant.now().plus(Duration.ofHours(23)));

        JsonNode run = http.post("/api/cleanup-runs", Map.of("tenantId", archiving, "deleteDays", 7)).body();

        assertThat(run.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(items(run)).isEmpty();
        JsonNode session = http.get("/api/sessions/" + announced).body();
        assertThat(session.get("status").asText()).isEqualTo("CLOSED");
        assertThat(session.get("archiveAt").asText()).isEqualTo(archiveAt);
    }

    @Test
    void sessionsIdleForLessThanTheThresholdsAreLeftAlone() {
        JsonNode run = run(Map.of("inactiveHours", 72, "deleteDays", 41)).body();

        assertThat(run.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(items(run)).isEmpty();
    }

    @Test
    void aRunForOneTenantArchivesAfterThatTenantsOwnDelayUnlessToldOtherwise() {
        http.put("/api/tenants/" + tenant, Map.of("name", "Patient tenant", "sellerPhones", List.of("+33600000000"),
                                                  "archiveAfterDays", 50));

        JsonNode run = run(Map.of()).body();

        assertThat(run.get("deleteDays").asInt()).isEqualTo(50);
        assertThat(items(run)).containsExactly(idleActive + " CLOSE DONE");
    }

    /** Over every tenant (dry: other tests' tenants are in the same database), as the guide's nightly cron runs. */
    @Test
    void aRunOverEveryTenantArchivesEachTenantsSessionsAfterThatTenantsOwnDelay() {
        Map<String, Object> everyTenant = Map.of("dryRun", true);
        assertThat(items(http.post("/api/cleanup-runs", everyTenant).body())).contains(old + " ARCHIVE WOULD_DO");

        http.put("/api/tenants/" + tenant, Map.of("name", "Patient tenant", "sellerPhones", List.of("+33600000000"),
                                                  "archiveAfterDays", 50));
        JsonNode patient = http.post("/api/cleanup-runs", everyTenant).body();
        http.put("/api/tenants/" + tenant, Map.of("name", "Hasty tenant", "sellerPhones", List.of("+33600000000"),
                                                  "archiveAfterDays", 35));
        JsonNode hasty = http.post("/api/cleanup-runs", everyTenant).body();

        assertThat(patient.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(items(patient)).contains(idleActive + " CLOSE WOULD_DO").noneMatch(item -> item.startsWith(old));
        assertThat(items(hasty)).contains(old + " ARCHIVE WOULD_DO");
    }

    @Test
    void twoRunsAtOnceDoEachThingOnceAndBothSucceed() {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<JsonNode> first = pool.submit(() -> run(Map.of()).body());
            Future<JsonNode> second = pool.submit(() -> run(Map.of()).body());
            List<JsonNode> runs = List.of(Http.await(first), Http.await(second));

            assertThat(runs).allSatisfy(run -> assertThat(run.get("status").asText()).isEqualTo("SUCCEEDED"));
            assertThat(runs.stream().mapToLong(run -> run.get("closed").asLong()).sum()).isEqualTo(1);
            assertThat(runs.stream().mapToLong(run -> run.get("archived").asLong()).sum()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void runningTheSameRunAgainDoesNothingMore() {
        UUID id = UUID.randomUUID();
        JsonNode first = run(Map.of("id", id)).body();
        JsonNode again = run(Map.of("id", id)).body();

        assertThat(again).isEqualTo(first);
        JsonNode second = run(Map.of()).body();
        assertThat(second.get("closed").asLong() + second.get("archived").asLong()).isZero();
    }

    /** A client that sends its request twice at once, the second arriving while the first stores the run. */
    @Test
    void aRunIdStoredByAnotherRequestAMomentAgoIsAnsweredWithThatRun() throws Exception {
        UUID id = UUID.randomUUID();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Connection first = jdbc.getDataSource().getConnection()) {
            first.setAutoCommit(false);
            try (PreparedStatement store = first.prepareStatement("""
                    INSERT INTO cleanup_run (id, requested_at, finished_at, progressed_at, actor, tenant_id,
                                             inactive_hours, delete_days, dry_run, status, total, processed, closed,
                                             archived, unchanged, failed)
                    VALUES (?, now(), now(), now(), 'admin', ?, 24, 30, false, 'SUCCEEDED', 0, 0, 0, 0, 0, 0)""")) {
                store.setObject(1, id);
                store.setString(2, tenant);
                store.executeUpdate();
            }
            Future<Http.Response> second = pool.submit(
                    () -> run(Map.of("id", id, "inactiveHours", 24, "deleteDays", 30)));
            // The second request has not seen the first's run, and waits to store its own under the same id.
            await().until(() -> jdbc.queryForObject("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = "
                                                    + "'Lock' AND query LIKE '%cleanup_run%'", Long.class) > 0);
            first.commit();

            Http.Response answer = Http.await(second);

            assertThat(answer.status()).isEqualTo(201);
            assertThat(answer.body().get("id").asText()).isEqualTo(id.toString());
            assertThat(answer.body().get("status").asText()).isEqualTo("SUCCEEDED");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRunIdReusedWithOtherParametersIsRefusedRatherThanAnsweredWithTheFirstRun() {
        UUID id = UUID.randomUUID();
        run(Map.of("id", id, "dryRun", true));

        Http.Response real = run(Map.of("id", id));

        assertThat(real.status()).isEqualTo(409);
        assertThat(real.body().get("detail").asText()).contains(id.toString(), "other parameters");
        assertThat(status(old)).isEqualTo("CLOSED");
    }

    /** A retry is the same request though a default it left out has changed since: the run it started answers it. */
    @Test
    void aRunRetriedAfterItsTenantsDelayChangedIsAnsweredWithTheRunItStarted() {
        UUID id = UUID.randomUUID();
        JsonNode first = run(Map.of("id", id, "dryRun", true)).body();
        assertThat(http.put("/api/tenants/" + tenant, Map.of("name", "Patient tenant", "sellerPhones",
                                                             List.of("+33600000000"), "archiveAfterDays", 50))
                           .status()).isEqualTo(200);

        Http.Response retried = run(Map.of("id", id, "dryRun", true));

        assertThat(retried.status()).isEqualTo(201);
        assertThat(retried.body().get("deleteDays").asInt()).isEqualTo(first.get("deleteDays").asInt())
                                                            .isNotEqualTo(50);
        assertThat(run(Map.of("id", id, "dryRun", true, "deleteDays", 50)).status()).isEqualTo(409);
    }

    /** A threshold given, then left to the default, asks for another run. */
    @Test
    void aRunIdReusedWithoutTheThresholdsItWasGivenIsRefused() {
        UUID id = UUID.randomUUID();
        run(Map.of("id", id, "dryRun", true, "deleteDays", 7, "inactiveHours", 48));

        assertThat(run(Map.of("id", id, "dryRun", true, "inactiveHours", 48)).status()).isEqualTo(409);
        assertThat(run(Map.of("id", id, "dryRun", true, "deleteDays", 7)).status()).isEqualTo(409);
        Http.Response same = run(Map.of("id", id, "dryRun", true, "deleteDays", 7, "inactiveHours", 48));
        assertThat(same.status()).isEqualTo(201);
        assertThat(same.body().get("id").asText()).isEqualTo(id.toString());
    }

    /** Over every tenant, a delay asked for applies to all; none asked for, each tenant's own applies to it. */
    @Test
    void aRunIdReusedWithTheGlobalDelayAskedForIsRefusedAfterARunThatTookEachTenantsOwn() {
        UUID id = UUID.randomUUID();
        JsonNode ownDelays = http.post("/api/cleanup-runs", Map.of("id", id, "dryRun", true)).body();

        Http.Response oneDelay = http.post("/api/cleanup-runs", Map.of(
                "id", id, "dryRun", true, "deleteDays", ownDelays.get("deleteDays").asInt()));

        assertThat(ownDelays.get("tenantsOwnDelays").asBoolean()).isTrue();
        assertThat(oneDelay.status()).isEqualTo(409);
    }

    @Test
    void aRunWhoseNodeStoppedIsShownAbandonedAndItsIdAnswersWithoutRunningAgain() {
        UUID stopped = leftRunning(Duration.ofHours(1));
        UUID atWork = leftRunning(Duration.ofSeconds(5));

        JsonNode abandoned = http.get("/api/cleanup-runs/" + stopped).body();
        assertThat(abandoned.get("status").asText()).isEqualTo("ABANDONED");
        assertThat(abandoned.get("failure").asText()).contains("the node running it stopped");
        assertThat(http.get("/api/cleanup-runs/" + atWork).body().get("status").asText()).isEqualTo("RUNNING");
        assertThat(StreamSupport.stream(http.get("/api/cleanup-runs?limit=200").body().spliterator(), false)
                                .filter(run -> run.get("id").asText().equals(stopped.toString())))
                .singleElement().satisfies(run -> assertThat(run.get("status").asText()).isEqualTo("ABANDONED"));

        JsonNode retried = run(Map.of("id", stopped, "inactiveHours", 24, "deleteDays", 30)).body();
        assertThat(retried.get("status").asText()).isEqualTo("ABANDONED");
        assertThat(status(idleActive)).isEqualTo("ACTIVE");
    }

    /**
     * A batch can take longer than a node may stay silent: within one, the run saves its progress every
     * SAVE_PROGRESS_EVERY, with the items of the sessions done so far. A clock on which every look finds 11 s gone
     * makes each session take that long, and notes at each look what the database holds of the run.
     */
    @Test
    void aLongBatchSavesTheRunsProgressBeforeItEnds() {
        UUID id = UUID.randomUUID();
        List<String> stored = new ArrayList<>();
        Clock slow = new UtcClock() {
            private Instant now = Instant.now();

            @Override
            public Instant instant() {
                stored.add(jdbc.queryForObject("""
                        SELECT coalesce((SELECT processed FROM cleanup_run WHERE id = ?), 0) || ' processed, '
                            || (SELECT count(*) FROM cleanup_run_item WHERE run_id = ?) || ' items'
                        """, String.class, id, id));
                now = now.plusSeconds(11);
                return now;
            }
        };
        CleanupRuns runs = new CleanupRuns(runRepository, itemRepository, queries, sessionCommands, transactions,
                                           new SimpleMeterRegistry(), slow, properties, tenants);

        CleanupRunView run = runs.run(new CleanupRunRequest(id, tenant, 24, 30, true), "admin");

        assertThat(run.status()).isEqualTo("SUCCEEDED");
        assertThat(run.processed()).isEqualTo(2);
        // The close batch's one session: saved as processed with its item, before the batch ended.
        assertThat(stored).contains("1 processed, 1 items").doesNotContain("1 processed, 0 items");
    }

    /** A run's counts and its items are saved together: after a failed save, neither is missing from the other. */
    @Test
    void aRunWhoseSaveFailedKeepsAnItemForEverySessionItCounted() {
        UUID id = UUID.randomUUID();
        jdbc.execute("CREATE SEQUENCE fail_once");
        jdbc.execute("""
                CREATE FUNCTION fail_once() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF nextval('fail_once') = 1 THEN
                        RAISE EXCEPTION 'the database failed for a moment';
                    END IF;
                    RETURN NEW;
                END $$""");
        jdbc.execute("CREATE TRIGGER fail_once BEFORE UPDATE ON cleanup_run FOR EACH ROW "
                     + "WHEN (NEW.id = '" + id + "' AND NEW.processed > 0) EXECUTE FUNCTION fail_once()");
        try {
            JsonNode run = run(Map.of("id", id, "inactiveHours", 24, "deleteDays", 30)).body();

            assertThat(run.get("status").asText()).isEqualTo("FAILED");
            assertThat(run.get("failure").asText()).contains("the database failed for a moment");
            assertThat(run.get("processed").asInt()).isPositive();
            assertThat(run.get("items")).hasSize(run.get("processed").asInt());
        } finally {
            jdbc.execute("DROP TRIGGER fail_once ON cleanup_run");
            jdbc.execute("DROP FUNCTION fail_once()");
            jdbc.execute("DROP SEQUENCE fail_once");
        }
    }

    /**
     * A run whose end cannot be stored (the database went as it ended) stays RUNNING, to be shown as abandoned: it is
     * counted as failed, so that the alert on failed runs fires.
     */
    @Test
    void aRunWhoseEndCouldNotBeStoredIsCountedAsFailed() {
        UUID id = UUID.randomUUID();
        Counter failedRuns = meters.counter("live_sessions.cleanup.runs", "status", "failed", "dry_run", "false");
        double failedBefore = failedRuns.count();
        jdbc.execute("""
                CREATE FUNCTION fail_always() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'the database is gone';
                END $$""");
        jdbc.execute("CREATE TRIGGER fail_always BEFORE UPDATE ON cleanup_run FOR EACH ROW "
                     + "WHEN (NEW.id = '" + id + "' AND NEW.processed > 0) EXECUTE FUNCTION fail_always()");
        try {
            Http.Response answer = run(Map.of("id", id, "inactiveHours", 24, "deleteDays", 30));

            assertThat(answer.status()).isGreaterThanOrEqualTo(500);
            assertThat(http.get("/api/cleanup-runs/" + id).body().get("status").asText()).isEqualTo("RUNNING");
            assertThat(failedRuns.count()).isEqualTo(failedBefore + 1);
        } finally {
            jdbc.execute("DROP TRIGGER fail_always ON cleanup_run");
            jdbc.execute("DROP FUNCTION fail_always()");
        }
    }

    @Test
    void aSessionThatCannotBeCleanedUpFailsTheRunVisibly() {
        jdbc.update("""
                INSERT INTO live_session (session_id, tenant_id, number, status, created_at, last_activity_at,
                    inactivity_window_seconds, expires_at, seller_messages, client_codes, auto_cleanup,
                    last_event_sequence)
                VALUES (?, ?, 9, 'ACTIVE', now() - interval '3 days', now() - interval '3 days', 604800,
                    now() + interval '4 days', 0, 0, true, 0)
                """, tenant + ".9", tenant);

        JsonNode run = run(Map.of()).body();

        assertThat(run.get("status").asText()).isEqualTo("FAILED");
        assertThat(run.get("failure").asText()).contains("could not be cleaned up");
        assertThat(items(run)).contains(tenant + ".9 CLOSE FAILED", idleActive + " CLOSE DONE");
        assertThat(http.get("/api/cleanup-runs/" + run.get("id").asText()).body().get("status").asText())
                .isEqualTo("FAILED");
    }

    @Test
    void aRestoredSessionIsLeftAloneUntilIdleForTheDelaySinceItsRestore() {
        run(Map.of());
        await().until(() -> status(old).equals("ARCHIVED"));
        http.post("/api/sessions/" + old + "/restore", Map.of());
        await().until(() -> status(old).equals("CLOSED"));

        JsonNode nextNight = run(Map.of()).body();

        assertThat(nextNight.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(items(nextNight)).isEmpty();
        assertThat(status(old)).isEqualTo("CLOSED");
    }

    @Test
    void badParametersAreRejected() {
        assertThat(run(Map.of("inactiveHours", 0)).status()).isEqualTo(400);
        assertThat(run(Map.of("deleteDays", -3)).status()).isEqualTo(400);
        assertThat(http.get("/api/cleanup-runs/" + UUID.randomUUID()).status()).isEqualTo(404);
    }

    @Test
    void aRequestWithAMisspelledEmptyOrRepeatedFieldOrAnUnknownTenantIsRefusedAndRunsNothing() {
        String before = fingerprint();

        Http.Response misspelled = run(Map.of("dryrun", true));
        Http.Response fraction = run(Map.of("inactiveHours", 6.5));
        Http.Response noDryRunGiven = run(Map.of("dryRun", ""));
        Http.Response dryRunAsANumber = run(Map.of("dryRun", 1));
        Http.Response noDelayGiven = run(Map.of("deleteDays", ""));
        Http.Response unknownTenant = http.post("/api/cleanup-runs", Map.of("tenantId", tenant + "-typo"));
        // Which of the two would count? A parser keeping the last would carry the run out.
        String ofTenant = "{\"tenantId\": \"" + tenant + "\", ";
        Http.Response saidTwice = http.postRaw("/api/cleanup-runs", "application/json",
                                               ofTenant + "\"dryRun\": true, \"dryRun\": false}");
        Http.Response twoBodies = http.postRaw("/api/cleanup-runs", "application/json",
                                               ofTenant + "\"dryRun\": true} {\"dryRun\": false}");

        assertThat(misspelled.status()).isEqualTo(400);
        assertThat(misspelled.body().get("detail").asText()).isEqualTo("dryrun: not a field of this request");
        assertThat(fraction.status()).isEqualTo(400);
        assertThat(fraction.body().get("detail").asText()).contains("inactiveHours");
        assertThat(List.of(noDryRunGiven, dryRunAsANumber, noDelayGiven)).extracting(Http.Response::status)
                                                                       .containsOnly(400);
        assertThat(noDryRunGiven.body().get("detail").asText()).contains("dryRun");
        assertThat(unknownTenant.status()).isEqualTo(404);
        assertThat(List.of(saidTwice, twoBodies)).extracting(Http.Response::status).containsOnly(400);
        assertThat(saidTwice.body().get("detail").asText()).isEqualTo("dryRun: given twice");
        assertThat(fingerprint()).isEqualTo(before);
    }

    /**
     * Of two requests with one id at once, the second may look for the run just before the first commits it, and
     * store its own just after: that insert fails (and the second answers the first's run), never overwrites it.
     */
    @Test
    void aRunIsNeverStoredOverOneWithTheSameIdCommittedFirst() {
        UUID id = leftRunning(Duration.ZERO);
        CleanupRun sameId = new CleanupRun(id, Instant.now(), "admin", new CleanupRunRequest(id, tenant, 48, 7, true),
                                           48, 7);

        assertThatThrownBy(() -> transactions.executeWithoutResult(status -> runRepository.save(sameId)))
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThat(jdbc.queryForObject("SELECT inactive_hours FROM cleanup_run WHERE id = ?", Integer.class, id))
                .isEqualTo(24);
    }

    private Http.Response run(Map<String, Object> overrides) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("tenantId", tenant);
        request.putAll(overrides);
        return http.post("/api/cleanup-runs", request);
    }

    /** What a node that stopped during a run leaves: the run RUNNING, with its last batch saved {@code ago}. */
    private UUID leftRunning(Duration ago) {
        UUID id = UUID.randomUUID();
        Instant progressedAt = Instant.now().minus(ago);
        jdbc.update("""
                    INSERT INTO cleanup_run (id, requested_at, progressed_at, actor, tenant_id, inactive_hours,
                                             delete_days, dry_run, status, total, processed, closed, archived,
                                             unchanged, failed)
                    VALUES (?, ?, ?, 'admin', ?, 24, 30, false, 'RUNNING', 3, 1, 1, 0, 0, 0)""",
                    id, Timestamp.from(progressedAt.minusSeconds(60)), Timestamp.from(progressedAt),
                    tenant);
        return id;
    }

    private String open(long number, Instant at, SessionTerms terms) {
        String sessionId = tenant + "." + number;
        commands.sendAndWait(new OpenLiveSession(sessionId, tenant, number, terms, List.of(
                new LiveSignal("m" + number, SignalSource.SELLER, null, at, at, "c" + number))));
        return sessionId;
    }

    private boolean noticeGiven(String sessionId) {
        Http.Response response = http.get("/api/sessions/" + sessionId);
        return response.status() == 200 && !response.body().get("archiveNoticeAt").isNull();
    }

    private String status(String sessionId) {
        Http.Response response = http.get("/api/sessions/" + sessionId);
        return response.status() == 200 ? response.body().get("status").asText() : "MISSING";
    }

    /** "sessionId ACTION OUTCOME" of each item of a run. */
    private static List<String> items(JsonNode run) {
        return StreamSupport.stream(run.get("items").spliterator(), false)
                            .map(item -> item.get("sessionId").asText() + " " + item.get("action").asText() + " "
                                         + item.get("outcome").asText())
                            .toList();
    }

    /** The tenant's events, read-model rows and deadlines, summed up: equal fingerprints, nothing changed. */
    private String fingerprint() {
        return jdbc.queryForObject("""
                SELECT (SELECT count(*) || ':' || coalesce(max(global_index), 0) FROM domain_event_entry
                        WHERE aggregate_identifier LIKE ?)
                    || ' ' || (SELECT md5(coalesce(string_agg(s::text, ',' ORDER BY session_id), ''))
                               FROM live_session s WHERE tenant_id = ?)
                    || ' ' || (SELECT md5(coalesce(string_agg(t::text, ','), '')) FROM tenant_stats t
                               WHERE tenant_id = ?)
                """, String.class, tenant + ".%", tenant, tenant) + " " + deadlines("true");
    }

    /** How many of the tenant's deadlines are in the scheduler, of those meeting the condition. */
    private long deadlines(String condition) {
        return jdbc.queryForObject("SELECT count(*) FROM scheduled_tasks WHERE " + condition
                                   + " AND position(convert_to(?, 'UTF8') IN task_data) > 0", Long.class,
                                   "\"" + tenant + ".");
    }
}
