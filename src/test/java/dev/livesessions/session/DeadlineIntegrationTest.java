package dev.livesessions.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import dev.livesessions.Http;
import dev.livesessions.IntegrationTest;
import dev.livesessions.api.ArchiveScheduled;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.dbscheduler.DbSchedulerBinaryDeadlineDetails;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.modelling.command.AggregateScopeDescriptor;
import org.axonframework.spring.config.SpringAxonConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static dev.livesessions.Http.uniqueTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Closure by the persistent deadline manager (db-scheduler on PostgreSQL), in real time with short windows. */
@IntegrationTest
class DeadlineIntegrationTest {

    private static final String SELLER = "+33600000000";

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EventStorageEngine store;
    @Autowired
    DeadlineManager deadlines;
    @Autowired
    TransactionManager transactions;

    @Autowired
    DeadlinesWhileRunning deadlinesWhileRunning;
    @Autowired
    SpringAxonConfiguration axon;
    @Autowired
    @Qualifier("deadlineDetailsTask")
    Task<DbSchedulerBinaryDeadlineDetails> deadlineTask;

    private Http http;

    @BeforeEach
    void setUp() {
        http = new Http(port);
    }

    /**
     * Spring stops the highest phase first. Axon's stop detaches the handlers a deadline's events need (the
     * one-active-session guard): deadlines must have stopped by then.
     */
    @Test
    void deadlinesStopBeforeAxonDetachesTheHandlersOfTheirEvents() {
        assertThat(deadlinesWhileRunning.getPhase()).isGreaterThan(axon.getPhase());
        assertThat(deadlinesWhileRunning.isRunning()).isTrue();
        deadlinesWhileRunning.stop();
        try {
            assertThatThrownBy(() -> deadlineTask.execute(new TaskInstance<>(deadlineTask.getName(), "due"), null))
                    .isInstanceOf(DeadlinesWhileRunning.StoppingException.class);
        } finally {
            deadlinesWhileRunning.start();
        }
    }

    @Test
    void aSessionWithoutActivityIsClosedByItsDeadlineAtLastActivityPlusTheWindow() {
        String tenant = tenantWithWindow("PT2S");
        String sessionId = http.message(tenant, "m1", SELLER, "Live!").body().get("sessionId").asText();
        Instant lastActivity = activityTimes(sessionId).get(0);

        JsonNode closed = awaitClosed(sessionId);

        assertThat(Instant.parse(closed.get("closedAt").asText())).isEqualTo(lastActivity.plusSeconds(2));
        assertThat(closed.get("closeReason").asText()).isEqualTo("INACTIVITY");
        assertThat(eventsOf(sessionId, "LiveSessionClosed")).isEqualTo(1);
        // The scheduler deletes the deadline's row after the closure commits, as the read models show it.
        await().untilAsserted(() -> assertThat(deadlinesOf(sessionId, "close-if-inactive")).isEmpty());
    }

    @Test
    void whenActivityMovedTheWindowTheDeadlineFiresAgainAndClosesAtTheNewEnd() throws InterruptedException {
        // A window four times the pause: the second message finds the session open even on a machine hard at work.
        String tenant = tenantWithWindow("PT6S");
        String sessionId = http.message(tenant, "m1", SELLER, "Live!").body().get("sessionId").asText();
        Thread.sleep(1_500);
        assertThat(http.message(tenant, "m2", "+33700000001", "A12").body().get("sessionId").asText())
                .isEqualTo(sessionId);
        Instant lastActivity = activityTimes(sessionId).get(1);

        JsonNode closed = awaitClosed(sessionId);

        assertThat(Instant.parse(closed.get("closedAt").asText())).isEqualTo(lastActivity.plusSeconds(6));
        assertThat(eventsOf(sessionId, "LiveSessionClosed")).isEqualTo(1);
    }

    /**
     * A closure executing when its node lost the database (or died) stays marked as picked: recording its failure
     * needed the database too. db-scheduler takes it up again once its heartbeat is 20 s old (ADR 18), and the
     * session still closes at its exact time. With the former bound (a minute), it would still be waiting.
     */
    @Test
    void aClosureLeftPickedByANodeCutOffFromTheDatabaseIsTakenUpOnceItsHeartbeatIsTwentySecondsOld() {
        String tenant = tenantWithWindow("PT3S");
        String sessionId = http.message(tenant, "m1", SELLER, "Live!").body().get("sessionId").asText();
        Instant lastActivity = activityTimes(sessionId).get(0);
        Object closure = deadlinesOf(sessionId, "close-if-inactive").get(0).get("task_instance");

        int leftPicked = jdbc.update("UPDATE scheduled_tasks SET picked = true, picked_by = 'a-node-cut-off', "
                                     + "last_heartbeat = now() - interval '21 seconds' "
                                     + "WHERE task_instance = ? AND NOT picked", closure);

        assertThat(leftPicked).isEqualTo(1);
        JsonNode closed = awaitClosed(sessionId);
        assertThat(Instant.parse(closed.get("closedAt").asText())).isEqualTo(lastActivity.plusSeconds(3));
        assertThat(eventsOf(sessionId, "LiveSessionClosed")).isEqualTo(1);
    }

    @Test
    void liveMessagesNeitherAddNorRewriteDeadlines() {
        String tenant = tenantWithWindow("PT10M");
        String sessionId = http.message(tenant, "m0", SELLER, "Live!").body().get("sessionId").asText();
        List<Map<String, Object>> before = deadlinesOf(sessionId, "close-if-inactive");

        for (int i = 1; i <= 50; i++) {
            assertThat(http.message(tenant, "m" + i, "+3370000" + (1000 + i), "A" + i).status()).isEqualTo(200);
        }

        assertThat(before).hasSize(1);
        assertThat(deadlinesOf(sessionId, "close-if-inactive")).isEqualTo(before);
        assertThat(deadlinesOf(sessionId, "")).isEqualTo(before);
    }

    @Test
    void aTenantsOwnLifespanClosesABusySessionAndItsOwnSwitchKeepsItFromTheArchive() {
        String tenant = uniqueTenant("dl");
        assertThat(http.post("/api/tenants", Map.of("id", tenant, "name", "Capped", "sellerPhones", List.of(SELLER),
                                                    "webhookSecret", Http.secretOf(tenant), "inactivityWindow", "PT1H",
                                                    "maxLifespan", "PT3S", "automaticArchiving", false,
                                                    "archiveNotice", "PT0S")).status()).isEqualTo(201);
        String sessionId = http.message(tenant, "m1", SELLER, "Live!").body().get("sessionId").asText();
        Instant createdAt = activityTimes(sessionId).get(0);
        http.message(tenant, "m2", "+33700000001", "A1");

        JsonNode closed = awaitClosed(sessionId);

        assertThat(closed.get("closeReason").asText()).isEqualTo("MAX_LIFESPAN");
        assertThat(Instant.parse(closed.get("closedAt").asText())).isEqualTo(createdAt.plusSeconds(3));
        assertThat(closed.get("archiveAt").isNull()).isTrue();
        assertThat(eventsOf(sessionId, "ArchiveScheduled")).isZero();
    }

    /**
     * Nodes share the deadline store, and a deadline may fire on a node whose cached copy of its session is out of
     * date: another node moved the session's archive and scheduled the deadline of the new date. A copy that still
     * had the old date would find the deadline no longer scheduled and drop it, writing nothing (so no conflict at
     * commit would tell). The deadline reads the session again and archives it.
     */
    @Test
    void aDeadlineAnotherNodeScheduledFindsTheSessionAsThatNodeLeftIt() {
        String tenant = uniqueTenant("dl");
        Map<String, Object> settings = Map.of("id", tenant, "name", tenant, "sellerPhones", List.of(SELLER),
                                              "inactivityWindow", "PT1S", "archiveNotice", "PT0S",
                                              "webhookSecret", Http.secretOf(tenant));
        assertThat(http.post("/api/tenants", settings).status()).isEqualTo(201);
        String sessionId = http.message(tenant, "m1", SELLER, "Live!").body().get("sessionId").asText();
        awaitClosed(sessionId);
        long last = jdbc.queryForObject(
                "SELECT max(sequence_number) FROM domain_event_entry WHERE aggregate_identifier = ?", Long.class,
                sessionId);
        Instant archiveAt = Instant.now().plusSeconds(1).truncatedTo(ChronoUnit.MILLIS);

        // The other node's doing: straight into the stores, unseen by this node's cache.
        store.appendEvents(List.of(new GenericDomainEventMessage<>(
                "LiveSession", sessionId, last + 1, new ArchiveScheduled(sessionId, tenant, archiveAt))));
        transactions.executeInTransaction(() -> deadlines.schedule(
                archiveAt, Deadlines.ARCHIVE, new Deadlines.ArchiveDeadline(archiveAt),
                new AggregateScopeDescriptor("LiveSession", sessionId)));

        await().atMost(Duration.ofSeconds(20)).until(() -> eventsOf(sessionId, "SessionArchived") == 1);
    }

    private String tenantWithWindow(String window) {
        String tenant = uniqueTenant("dl");
        assertThat(http.createTenant(tenant, window, SELLER).status()).isEqualTo(201);
        return tenant;
    }

    private JsonNode awaitClosed(String sessionId) {
        // A stuck closure's heartbeat, made 21 s old, is found within 10 s; the former bound would take 40 s more.
        return await().atMost(Duration.ofSeconds(30)).until(() -> http.get("/api/sessions/" + sessionId).body(),
                                                             session -> "CLOSED".equals(session.get("status").asText()));
    }

    private List<Instant> activityTimes(String sessionId) {
        return jdbc.queryForList("SELECT convert_from(payload, 'UTF8')::json ->> 'at' FROM domain_event_entry "
                                         + "WHERE aggregate_identifier = ? AND payload_type = ? ORDER BY sequence_number",
                                 String.class, sessionId, "dev.livesessions.api.ActivityRecorded")
                   .stream().map(Instant::parse).toList();
    }

    private long eventsOf(String sessionId, String type) {
        return jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier = ? "
                                           + "AND payload_type = ?", Long.class, sessionId, "dev.livesessions.api." + type);
    }

    /** The session's pending deadlines of a name ("" for all): their serialized data names both. */
    private List<Map<String, Object>> deadlinesOf(String sessionId, String name) {
        return jdbc.queryForList("SELECT task_instance, execution_time, version FROM scheduled_tasks "
                                         + "WHERE position(convert_to(?, 'UTF8') IN task_data) > 0 "
                                         + "AND position(convert_to(?, 'UTF8') IN task_data) > 0",
                                 "\"" + sessionId + "\"", name);
    }
}
