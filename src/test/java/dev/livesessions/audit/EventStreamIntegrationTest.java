package dev.livesessions.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livesessions.Http;
import dev.livesessions.IntegrationTest;
import org.axonframework.common.DateTimeUtils;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import java.io.IOException;
import java.sql.Timestamp;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static dev.livesessions.Http.uniqueTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@IntegrationTest
class EventStreamIntegrationTest {

    private static final String SELLER = "+33611111111";
    private static final String CLIENT = "+33622222222";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String NO_KNOWN_TYPE = "dev.livesessions.audit.NoKnownType";

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    TransactionTemplate transactions;
    @Autowired
    StoredEvents events;

    private Http http;
    private String tenant;

    @BeforeEach
    void aTenant() {
        http = new Http(port);
        tenant = uniqueTenant("audit");
        http.createTenant(tenant, null, SELLER);
    }

    @Test
    void aSessionsStreamShowsEveryEventInOrderWithWhoAndWhy() {
        String sessionId = http.message(tenant, "m1", SELLER, "on est en live").body().get("sessionId").asText();
        http.message(tenant, "m2", CLIENT, " a12 ");
        http.post("/api/sessions/" + sessionId + "/deactivate", Map.of());

        Http.Response response = http.get("/api/sessions/" + sessionId + "/events");

        assertThat(response.status()).isEqualTo(200);
        JsonNode events = response.body();
        assertThat(events.findValuesAsText("type"))
                .containsExactly("LiveSessionCreated", "ActivityRecorded", "ActivityRecorded", "LiveSessionClosed",
                                 "ArchiveScheduled");
        assertThat(events.findValues("sequence")).extracting(JsonNode::asLong).containsExactly(0L, 1L, 2L, 3L, 4L);
        JsonNode created = events.get(0);
        assertThat(created.get("revision").asText()).isEqualTo("2");
        assertThat(created.get("sessionId").asText()).isEqualTo(sessionId);
        assertThat(created.get("payload").get("tenantId").asText()).isEqualTo(tenant);
        assertThat(Instant.parse(created.get("timestamp").asText())).isBefore(Instant.now());
        JsonNode clientCode = events.get(2);
        assertThat(clientCode.get("payload").get("code").asText()).isEqualTo("A12");
        assertThat(clientCode.get("metadata").get("providerMessageId").asText()).isEqualTo("m2");
        assertThat(clientCode.get("metadata").get("correlationId").asText()).isEqualTo("corr-m2");
        JsonNode closed = events.get(3);
        assertThat(closed.get("payload").get("reason").asText()).isEqualTo("MANUAL");
        assertThat(closed.get("metadata").get("actor").asText()).isEqualTo("admin-token");
    }

    @Test
    void theEventsAfterASequenceNumberAreTheNewOnesOnly() {
        String sessionId = http.message(tenant, "m1", SELLER, "on est en live").body().get("sessionId").asText();
        http.message(tenant, "m2", CLIENT, "A1");
        http.message(tenant, "m3", CLIENT, "A2");

        JsonNode newer = http.get("/api/sessions/" + sessionId + "/events?afterSequence=1").body();

        assertThat(newer.findValues("sequence")).extracting(JsonNode::asLong).containsExactly(2L, 3L);
        assertThat(http.get("/api/sessions/" + sessionId + "/events?afterSequence=3").body()).isEmpty();
        assertThat(http.get("/api/sessions/" + sessionId + "/events?afterSequence=-2").status()).isEqualTo(400);
        assertThat(http.get("/api/sessions/" + sessionId + "/events?afterSequence=next").status()).isEqualTo(400);
    }

    @Test
    void aSessionWithoutEventsIsNotFound() {
        assertThat(http.get("/api/sessions/" + tenant + ".1/events").status()).isEqualTo(404);
    }

    @Test
    void aTenantsEventsExportAsOneJsonObjectPerLineWithinTheAskedRange() throws Exception {
        String first = http.message(tenant, "m1", SELLER, "live").body().get("sessionId").asText();
        http.post("/api/sessions/" + first + "/deactivate", Map.of());
        Instant between = aMillisecondApart();
        String second = http.message(tenant, "m2", SELLER, "live again").body().get("sessionId").asText();
        String neighbour = uniqueTenant("audit");
        http.createTenant(neighbour, null, SELLER);
        http.message(neighbour, "m1", SELLER, "live");

        List<JsonNode> everything = export("");
        List<JsonNode> later = export("&from=" + between);
        List<JsonNode> earlier = export("&to=" + between);

        assertThat(everything).extracting(event -> event.get("sessionId").asText()).containsOnly(first, second);
        assertThat(everything).extracting(event -> event.get("globalIndex").asLong()).isSorted();
        assertThat(later).extracting(event -> event.get("sessionId").asText()).containsOnly(second);
        assertThat(earlier).extracting(event -> event.get("sessionId").asText()).containsOnly(first);
        assertThat(earlier.size() + later.size()).isEqualTo(everything.size());
        // Events are stored to the millisecond: half a millisecond after one is after it.
        Instant stored = Instant.parse(everything.get(0).get("timestamp").asText());
        assertThat(export("&from=" + stored.plusNanos(500_000))).extracting(event -> event.get("eventId").asText())
                .doesNotContain(everything.get(0).get("eventId").asText());
        assertThat(export("&to=" + stored.plusNanos(500_000))).extracting(event -> event.get("eventId").asText())
                .contains(everything.get(0).get("eventId").asText());
    }

    @Test
    void anExportOfAnUnknownTenantOrAnEmptyRangeIsRefused() {
        assertThat(http.get("/api/events/export?tenantId=nobody-here").status()).isEqualTo(404);
        Instant now = Instant.now();
        assertThat(http.get("/api/events/export?tenantId=" + tenant + "&from=" + now + "&to=" + now).status())
                .isEqualTo(400);
        assertThat(http.get("/api/events/export?tenantId=" + tenant + "&from=yesterday").status()).isEqualTo(400);
        assertThat(http.get("/api/events/export?tenantId=" + tenant + "&to=%2B10000-01-01T00:00:00Z").status())
                .isEqualTo(400);
        assertThat(http.get("/api/events/export?tenantId=" + tenant + "&from=1969-12-31T00:00:00Z").status())
                .isEqualTo(400);
        // The last instant Java knows, to the nanosecond: rounded up to the millisecond, it would be past it.
        for (String end : List.of("from", "to")) {
            assertThat(http.get("/api/events/export?tenantId=" + tenant + "&" + end
                                + "=%2B1000000000-12-31T23:59:59.999999999Z").status()).as(end).isEqualTo(400);
        }
    }

    @Test
    void streamsOfSeveralPagesComeWholeAndInOrder() {
        String sessionId = tenant + ".1";
        int count = 2 * StoredEvents.PAGE + 500;
        storeEventsOfNoKnownType(sessionId, 0, count);
        try {
            List<JsonNode> exported = export("");
            JsonNode stream = http.get("/api/sessions/" + sessionId + "/events").body();
            JsonNode newer = http.get("/api/sessions/" + sessionId + "/events?afterSequence=" + StoredEvents.PAGE)
                                 .body();

            assertThat(exported).extracting(event -> event.get("sequence").asLong())
                                .containsExactlyElementsOf(sequences(0, count));
            assertThat(exported).extracting(event -> event.get("globalIndex").asLong()).isSorted();
            assertThat(stream.findValues("sequence")).extracting(JsonNode::asLong)
                                                     .containsExactlyElementsOf(sequences(0, count));
            assertThat(newer.findValues("sequence")).extracting(JsonNode::asLong)
                                                    .containsExactlyElementsOf(sequences(StoredEvents.PAGE + 1, count));
        } finally {
            forgetEventsOf(sessionId);
        }
    }

    /**
     * The tests' request timeout for asynchronous answers is a second (config/application.properties); the event table
     * is locked for longer than that, so the export waits for it.
     */
    @Test
    void anExportThatTakesLongerThanTheRequestTimeoutComesWhole() throws Exception {
        http.message(tenant, "m1", SELLER, "live");
        http.message(tenant, "m2", CLIENT, "A1");
        List<JsonNode> stored = export("");
        CountDownLatch locked = new CountDownLatch(1);
        CompletableFuture<Void> lock = CompletableFuture.runAsync(() -> transactions.executeWithoutResult(status -> {
            jdbc.execute("LOCK TABLE domain_event_entry IN ACCESS EXCLUSIVE MODE");
            locked.countDown();
            pause(Duration.ofSeconds(2));
        }));
        assertThat(locked.await(10, TimeUnit.SECONDS)).isTrue();

        List<JsonNode> exported = export("");

        lock.join();
        assertThat(exported).hasSize(stored.size()).hasSize(3);
    }

    /**
     * An event whose transaction is still open when the export begins took an earlier global index than one committed
     * since: read without waiting, the export would hold the later event and never the earlier one.
     */
    @Test
    void anExportHoldsTheEventsBeingWrittenWhenItBegins() throws Exception {
        try (SlowWriter slowWriter = new SlowWriter(tenant + ".1")) {
            storeEventsOfNoKnownType(slowWriter.sessionId, 1, 1);

            Timestamp beforeTheExport = jdbc.queryForObject("SELECT now()", Timestamp.class);
            CompletableFuture<List<JsonNode>> exported = CompletableFuture.supplyAsync(() -> export(""));
            awaitAnExportWaitingForTheWriters(beforeTheExport);
            assertThat(exported).isNotDone();
            slowWriter.commit();

            assertThat(exported.get(10, TimeUnit.SECONDS)).extracting(event -> event.get("sequence").asLong())
                                                          .containsExactly(0L, 1L);
        }
    }

    /** An event stored while the export reads its pages came after the export began: the next export has it. */
    @Test
    void anExportHoldsNoEventStoredAfterItBegan() {
        String sessionId = tenant + ".1";
        storeEventsOfNoKnownType(sessionId, 0, StoredEvents.PAGE + 10);
        try {
            List<Long> exported = new ArrayList<>();
            events.ofTenant(tenant, Instant.EPOCH, Instant.now().plusSeconds(60), () -> true, event -> {
                if (exported.isEmpty()) {
                    storeEventsOfNoKnownType(sessionId, StoredEvents.PAGE + 10, 1);
                }
                exported.add(event.sequence());
            });

            assertThat(exported).containsExactlyElementsOf(sequences(0, StoredEvents.PAGE + 10));
            assertThat(export("")).hasSize(StoredEvents.PAGE + 11);
        } finally {
            forgetEventsOf(sessionId);
        }
    }

    /** A token revoked while its export waits for the writers gets no event: the revocation holds from then on. */
    @Test
    void anExportWhoseTokenIsRevokedBeforeItsFirstEventGetsNone() throws Exception {
        JsonNode token = http.post("/api/tokens", Map.of("name", "auditor", "role", "VIEWER", "tenantId", tenant))
                              .body();
        Http auditor = new Http(port, token.get("token").asText());
        try (SlowWriter slowWriter = new SlowWriter(tenant + ".1")) {
            Timestamp beforeTheExport = jdbc.queryForObject("SELECT now()", Timestamp.class);
            CompletableFuture<Http.Response> export =
                    CompletableFuture.supplyAsync(() -> auditor.get("/api/events/export?tenantId=" + tenant));
            awaitAnExportWaitingForTheWriters(beforeTheExport);
            assertThat(http.send(HttpRequest.newBuilder(URI.create(
                    "http://localhost:" + port + "/api/tokens/" + token.get("id").asText())).DELETE()).status())
                    .isEqualTo(204);
            slowWriter.commit();

            Http.Response refused = export.get(10, TimeUnit.SECONDS);
            assertThat(refused.status()).isEqualTo(401);
            assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
            assertThat(refused.text()).doesNotContain("\"sequence\"");
            assertThat(refused.headers().firstValue("Content-Disposition")).isEmpty();
        }
    }

    /** A caller revoked while its stream is read gets the pages read before, and no further one. */
    @Test
    void aCallerRevokedBetweenTwoPagesGetsNoFurtherPage() {
        String sessionId = tenant + ".1";
        storeEventsOfNoKnownType(sessionId, 0, StoredEvents.PAGE + 10);
        try {
            List<Long> read = new ArrayList<>();

            assertThatThrownBy(() -> events.ofSession(sessionId, -1, () -> false,
                                                      event -> read.add(event.sequence())))
                    .isInstanceOf(StoredEvents.AccessRevoked.class);
            assertThat(read).containsExactlyElementsOf(sequences(0, StoredEvents.PAGE));
        } finally {
            forgetEventsOf(sessionId);
        }
    }

    @Test
    void anExportThatCannotWaitForTheWritersIsRefusedAndTheirEventsStay() throws Exception {
        try (SlowWriter slowWriter = new SlowWriter(tenant + ".1")) {
            Http.Response refused = http.get("/api/events/export?tenantId=" + tenant);
            slowWriter.commit();

            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(export("")).extracting(event -> event.get("sessionId").asText())
                                  .contains(slowWriter.sessionId);
        }
    }

    @Test
    void anAnswerThatCannotBeWrittenToItsEndIsBrokenOffRatherThanEnded() {
        String sessionId = tenant + ".1";
        storeEventsOfNoKnownType(sessionId, 0, StoredEvents.PAGE);
        storeAnEventThatIsNotJson(sessionId, StoredEvents.PAGE);
        storeEventsOfNoKnownType(sessionId, StoredEvents.PAGE + 1, 10);
        try {
            assertThatThrownBy(() -> http.get("/api/events/export?tenantId=" + tenant))
                    .isInstanceOf(UncheckedIOException.class);
            assertThatThrownBy(() -> http.get("/api/sessions/" + sessionId + "/events"))
                    .isInstanceOf(UncheckedIOException.class);
        } finally {
            forgetEventsOf(sessionId);
        }
    }

    @Test
    void anAnswerThatFailsBeforeItsFirstEventIsAnError() {
        String sessionId = tenant + ".1";
        storeAnEventThatIsNotJson(sessionId, 0);
        try {
            Http.Response export = http.get("/api/events/export?tenantId=" + tenant);
            Http.Response stream = http.get("/api/sessions/" + sessionId + "/events");

            assertThat(List.of(export, stream)).allSatisfy(response -> {
                assertThat(response.status()).isEqualTo(500);
                assertThat(response.contentType()).isEqualTo("application/problem+json");
                assertThat(response.text()).doesNotContain("\"sequence\"");
                assertThat(response.headers().firstValue("Content-Disposition")).isEmpty();
                assertThat(response.body().get("correlationId").asText())
                        .isEqualTo(response.headers().firstValue("X-Correlation-Id").orElseThrow());
            });
        } finally {
            forgetEventsOf(sessionId);
        }
    }

    /**
     * Stores events straight into the event table: a type no part of the service knows (the read models pass them
     * by), with a payload of about 250 bytes, so that a few hundred fill more than the answer's buffer.
     */
    private void storeEventsOfNoKnownType(String sessionId, int firstSequence, int count) {
        jdbc.update("""
                    INSERT INTO domain_event_entry (event_identifier, aggregate_identifier, sequence_number, type,
                                                    time_stamp, payload_type, payload, meta_data)
                    SELECT gen_random_uuid()::text, ?, n, 'LiveSession', ?, ?,
                           convert_to(format('{"n": %s, "filler": "%s"}', n, repeat('x', 230)), 'UTF8'),
                           convert_to('{}', 'UTF8')
                    FROM generate_series(?::bigint, ?::bigint) AS n ORDER BY n
                    """, sessionId, DateTimeUtils.formatInstant(Instant.now()), NO_KNOWN_TYPE, firstSequence,
                    firstSequence + count - 1);
    }

    /**
     * Stores a session's event 0 in a transaction that stays open until {@link #commit}; closing it commits if need be
     * and forgets the session's events.
     */
    private final class SlowWriter implements AutoCloseable {

        private final String sessionId;
        private final CountDownLatch commit = new CountDownLatch(1);
        private final CompletableFuture<Void> transaction;

        SlowWriter(String sessionId) throws InterruptedException {
            this.sessionId = sessionId;
            CountDownLatch stored = new CountDownLatch(1);
            transaction = CompletableFuture.runAsync(() -> transactions.executeWithoutResult(status -> {
                storeEventsOfNoKnownType(sessionId, 0, 1);
                stored.countDown();
                try {
                    commit.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            assertThat(stored.await(10, TimeUnit.SECONDS)).isTrue();
        }

        void commit() {
            commit.countDown();
            transaction.join();
        }

        @Override
        public void close() {
            commit();
            forgetEventsOf(sessionId);
        }
    }

    /** Waits until an export, begun since {@code since}, polls the locks of the transactions it waits for. */
    private void awaitAnExportWaitingForTheWriters(Timestamp since) {
        await().atMost(Duration.ofSeconds(4)).until(() -> jdbc.queryForObject("""
                SELECT count(*) FROM pg_stat_activity
                WHERE pid <> pg_backend_pid() AND query_start >= ?
                  AND query LIKE 'SELECT virtualtransaction FROM pg_locks%virtualtransaction = ANY%'
                """, Integer.class, since) > 0);
    }

    private void storeAnEventThatIsNotJson(String sessionId, long sequence) {
        jdbc.update("""
                    INSERT INTO domain_event_entry (event_identifier, aggregate_identifier, sequence_number, type,
                                                    time_stamp, payload_type, payload, meta_data)
                    VALUES (gen_random_uuid()::text, ?, ?, 'LiveSession', ?, ?, convert_to('not json', 'UTF8'),
                            convert_to('{}', 'UTF8'))
                    """, sessionId, sequence, DateTimeUtils.formatInstant(Instant.now()), NO_KNOWN_TYPE);
    }

    private void forgetEventsOf(String sessionId) {
        jdbc.update("DELETE FROM domain_event_entry WHERE aggregate_identifier = ?", sessionId);
    }

    private static List<Long> sequences(long from, long to) {
        return LongStream.range(from, to).boxed().toList();
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The store keeps events' times to the millisecond: a point in time no event shares with one on either side. */
    private static Instant aMillisecondApart() throws InterruptedException {
        Thread.sleep(2);
        Instant between = Instant.now();
        Thread.sleep(2);
        return between;
    }

    private List<JsonNode> export(String range) {
        Http.Response response = http.get("/api/events/export?tenantId=" + tenant + range);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).isEqualTo("application/x-ndjson");
        return response.text().lines().map(EventStreamIntegrationTest::parse).toList();
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
