package dev.livesessions.ingestion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livesessions.Http;
import dev.livesessions.IntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.livesessions.Http.uniqueTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@IntegrationTest
class ConcurrentSignalsIntegrationTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    LiveSignalWriterHealth writerHealth;

    private Http http;
    private String tenant;

    @BeforeEach
    void setUp() {
        http = new Http(port);
        tenant = uniqueTenant("live");
        assertThat(http.createTenant(tenant, null, "+33600000000").status()).isEqualTo(201);
    }

    @Test
    void thirtyTwoFirstMessagesForOneTenantAtOnceOpenExactlyOneSessionAndAllAreCounted() throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Callable<Http.Response>> firstMessages = IntStream.range(0, 32)
                .<Callable<Http.Response>>mapToObj(i -> () -> {
                    start.await();
                    return http.message(tenant, "first-" + i, "+3370000" + (1000 + i), "A" + i);
                })
                .toList();

        List<Http.Response> answers = runConcurrently(firstMessages, start);

        assertThat(answers).extracting(Http.Response::status).containsOnly(200);
        assertThat(answers).extracting(answer -> answer.body().get("sessionId").asText()).containsOnly(tenant + ".1");
        assertThat(answers).filteredOn(answer -> answer.body().get("created").asBoolean()).hasSize(1);
        assertThat(eventsOfTenant("LiveSessionCreated")).isEqualTo(1);
        assertThat(eventsOfTenant("ActivityRecorded")).isEqualTo(32);
        await().untilAsserted(() -> {
            JsonNode sessions = http.get("/api/sessions?tenantId=" + tenant).body();
            assertThat(sessions.get("totalElements").asLong()).isEqualTo(1);
            assertThat(sessions.get("sessions").get(0).get("status").asText()).isEqualTo("ACTIVE");
            assertThat(sessions.get("sessions").get(0).get("clientCodes").asLong()).isEqualTo(32);
        });
    }

    @Test
    void aWriterInterruptedByAxonsTimeLimitKeepsWritingSignals() {
        // What Axon does to a thread whose unit of work outlives its time limit; here while the writer waits.
        Thread.getAllStackTraces().keySet().stream()
              .filter(thread -> thread.getName().startsWith("live-signal-writer-"))
              .forEach(Thread::interrupt);

        Http.Response answer = http.message(tenant, "after-interrupt", "+33700000001", "A1");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(eventsOfTenant("ActivityRecorded")).isEqualTo(1);
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                                                        .anyMatch(name -> name.startsWith("live-signal-writer-"));
    }

    /**
     * A batch that commits after its webhooks have stopped waiting (here PostgreSQL takes 5 s over the message's
     * claim; the tests wait 3 s): they are answered 503, and the provider's redelivery after the commit finds the
     * message stored. From the moment they are answered until the batch ends, the writer's health is down.
     */
    @Test
    void aSignalWhoseBatchCannotCommitInTimeIsAnswered503AndItsRedeliveryFindsItStored() {
        Http.Response answer;
        try {
            jdbc.execute("""
                         CREATE OR REPLACE FUNCTION slow_claim() RETURNS trigger LANGUAGE plpgsql AS $$
                         BEGIN
                             PERFORM pg_sleep(5);
                             RETURN NEW;
                         END $$
                         """);
            jdbc.execute("CREATE TRIGGER slow_claim BEFORE INSERT ON inbound_message FOR EACH ROW "
                         + "WHEN (NEW.tenant_id = '" + tenant + "' AND NEW.message_id = 'slow') "
                         + "EXECUTE FUNCTION slow_claim()");
            answer = http.message(tenant, "slow", "+33700000002", "A2");
            await().atMost(Duration.ofSeconds(1)).until(() -> writerHealth.health().getStatus() == Status.DOWN);
            await().atMost(Duration.ofSeconds(10)).until(() -> eventsOfTenant("ActivityRecorded") == 1);
            await().atMost(Duration.ofSeconds(1)).until(() -> writerHealth.health().getStatus() == Status.UP);
        } finally {
            jdbc.execute("DROP TRIGGER IF EXISTS slow_claim ON inbound_message");
            jdbc.execute("DROP FUNCTION IF EXISTS slow_claim()");
        }
        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.headers().firstValue("Retry-After")).contains("1");
        Http.Response redelivery = http.message(tenant, "slow", "+33700000002", "A2");
        assertThat(redelivery.status()).isEqualTo(200);
        assertThat(redelivery.body().get("duplicate").asBoolean()).isTrue();
        assertThat(eventsOfTenant("ActivityRecorded")).isEqualTo(1);
    }

    /**
     * Another transaction holds the message's dedupe claim (another node got the same delivery, and stalls): the
     * writer waits for it for its lock timeout only, and answers 503. Nothing of the message is kept; its redelivery,
     * once the other transaction has ended, stores it.
     */
    @Test
    void aSignalWhoseClaimAnotherTransactionHoldsIsAnswered503AndItsRedeliveryStoresIt() throws Exception {
        Http.Response answer;
        try (Connection other = jdbc.getDataSource().getConnection()) {
            other.setAutoCommit(false);
            try (PreparedStatement claim = other.prepareStatement(
                    "INSERT INTO inbound_message (tenant_id, message_id, received_at) VALUES (?, 'held', now())")) {
                claim.setString(1, tenant);
                claim.executeUpdate();
            }

            answer = http.message(tenant, "held", "+33700000002", "A2");

            other.rollback();
        }
        assertThat(answer.status()).isEqualTo(503);
        assertThat(eventsOfTenant("ActivityRecorded")).isZero();
        Http.Response redelivery = http.message(tenant, "held", "+33700000002", "A2");
        assertThat(redelivery.status()).isEqualTo(200);
        assertThat(redelivery.body().get("duplicate").asBoolean()).isFalse();
        assertThat(eventsOfTenant("ActivityRecorded")).isEqualTo(1);
    }

    @Test
    void manyConcurrentSendersIntoOneHotSessionAreAllRecordedInTheirOrderAndShareCommits() throws Exception {
        int senders = 32;
        int messagesEach = 20;
        String sessionId = http.message(tenant, "opening", "+33600000000", "Live starts now!")
                               .body().get("sessionId").asText();
        CountDownLatch start = new CountDownLatch(1);
        List<Callable<List<Http.Response>>> clients = IntStream.range(0, senders)
                .<Callable<List<Http.Response>>>mapToObj(sender -> () -> {
                    start.await();
                    List<Http.Response> answers = new ArrayList<>();
                    for (int i = 0; i < messagesEach; i++) {
                        answers.add(http.message(tenant, "c" + sender + "-" + i, "+3371" + (100000 + sender),
                                                 "A" + (i + 1)));
                    }
                    return answers;
                })
                .toList();

        List<Http.Response> answers = runConcurrently(clients, start).stream().flatMap(List::stream).toList();

        assertThat(answers).hasSize(senders * messagesEach);
        assertThat(answers).extracting(Http.Response::status).containsOnly(200);
        assertThat(answers).extracting(answer -> answer.body().get("sessionId").asText()).containsOnly(sessionId);
        List<String> stream = jdbc.queryForList(
                "SELECT convert_from(payload, 'UTF8')::json ->> 'messageId' FROM domain_event_entry "
                        + "WHERE aggregate_identifier = ? AND payload_type = 'dev.livesessions.api.ActivityRecorded' "
                        + "ORDER BY sequence_number", String.class, sessionId);
        assertThat(stream).hasSize(1 + senders * messagesEach).doesNotHaveDuplicates();
        Map<String, List<String>> bySender = stream.stream().filter(id -> id.startsWith("c"))
                .collect(Collectors.groupingBy(id -> id.substring(0, id.indexOf('-'))));
        assertThat(bySender).hasSize(senders).allSatisfy((sender, ids) -> assertThat(ids).containsExactlyElementsOf(
                IntStream.range(0, messagesEach).mapToObj(i -> sender + "-" + i).toList()));
        // xmin is the id of the transaction that wrote a row: far fewer transactions than events means the
        // messages that arrived together were committed together.
        long transactions = jdbc.queryForObject(
                "SELECT count(DISTINCT xmin::text) FROM domain_event_entry WHERE aggregate_identifier = ?",
                Long.class, sessionId);
        assertThat(transactions).isLessThan(stream.size() / 2);
    }

    @Test
    void aTenantWhoseSignalsCannotBeStoredIsAnswered503WithoutFailingTheOthersInItsBatch() throws Exception {
        // A tenant on the same writer (under the default four), whose latest session points nowhere: every attempt
        // to record its signals fails and rolls back the batch it is in.
        String broken = IntStream.iterate(0, i -> i + 1).mapToObj(i -> uniqueTenant("broken"))
                .filter(id -> Math.floorMod(id.hashCode(), 4) == Math.floorMod(tenant.hashCode(), 4))
                .findFirst().orElseThrow();
        assertThat(http.createTenant(broken, null, "+33600000000").status()).isEqualTo(201);
        jdbc.update("INSERT INTO tenant_latest_session (tenant_id, session_id, number, active) VALUES (?, ?, 7, true)",
                    broken, broken + ".7");
        CountDownLatch start = new CountDownLatch(1);
        List<Callable<Http.Response>> messages = IntStream.range(0, 20)
                .<Callable<Http.Response>>mapToObj(i -> () -> {
                    start.await();
                    return http.message(i % 2 == 0 ? tenant : broken, "m" + i, "+3370000" + (1000 + i), "A" + i);
                })
                .toList();

        List<Http.Response> answers = runConcurrently(messages, start);

        for (int i = 0; i < answers.size(); i++) {
            Http.Response answer = answers.get(i);
            if (i % 2 == 0) {
                assertThat(answer.status()).isEqualTo(200);
            } else {
                assertThat(answer.status()).isEqualTo(503);
                assertThat(answer.contentType()).isEqualTo("application/problem+json");
            }
        }
        assertThat(eventsOfTenant("ActivityRecorded")).isEqualTo(10);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM inbound_message WHERE tenant_id = ?", Long.class, broken))
                .isZero();
    }

    private long eventsOfTenant(String type) {
        return jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier LIKE ? "
                                           + "AND payload_type = ?", Long.class, tenant + ".%",
                                   "dev.livesessions.api." + type);
    }

    private static <T> List<T> runConcurrently(List<Callable<T>> tasks, CountDownLatch start) {
        ExecutorService threads = Executors.newFixedThreadPool(tasks.size());
        try {
            var futures = tasks.stream().map(threads::submit).toList();
            start.countDown();
            return futures.stream().map(Http::await).toList();
        } finally {
            threads.shutdownNow();
        }
    }
}
