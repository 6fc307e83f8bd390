package dev.livesessions.cleanup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.livesessions.Http;
import dev.livesessions.TestDatabase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ContextConfiguration;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole retention path in seconds instead of days: a session closes, gives notice (the tenant's endpoint refuses
 * the first delivery, then accepts the retry), and is archived; a notice an endpoint keeps refusing is tried three
 * times in all; a notice is withdrawn when auto-cleanup is turned off before the archive.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
                properties = {"live-sessions.cleanup.archive-after=8s", "live-sessions.cleanup.archive-notice=6s",
                              "live-sessions.cleanup.notice-retry-delay=1s",
                              "live-sessions.cleanup.notice-attempts=3",
                              "live-sessions.cleanup.notice-timeout=2s"})
@ContextConfiguration(initializers = TestDatabase.class)
class AutomaticArchiveIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A request the tenant's endpoint received. */
    record Received(String signature, String body) {
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ArchiveNoticeDelivery delivery;
    @Autowired
    MeterRegistry meters;

    private HttpServer tenantEndpoint;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger attempts = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final List<JsonNode> refusedNotices = new CopyOnWriteArrayList<>();
    private final AtomicInteger stalled = new AtomicInteger();
    private volatile boolean endpointStopped;
    private ExecutorService endpointThreads;
    private final List<String> accepted = new CopyOnWriteArrayList<>();
    private final List<String> slowThenAccepted = new CopyOnWriteArrayList<>();
    private final CountDownLatch firstRefusalMayGo = new CountDownLatch(1);

    @BeforeEach
    void startTheTenantsEndpoint() throws IOException {
        tenantEndpoint = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        endpointThreads = Executors.newCachedThreadPool();
        tenantEndpoint.setExecutor(endpointThreads);
        tenantEndpoint.createContext("/notices", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new Received(exchange.getRequestHeaders().getFirst("X-Live-Sessions-Signature"), body));
            exchange.sendResponseHeaders(attempts.incrementAndGet() == 1 ? 500 : 204, -1);
            exchange.close();
        });
        tenantEndpoint.createContext("/refusing", exchange -> {
            refusedNotices.add(JSON.readTree(exchange.getRequestBody()));
            refused.incrementAndGet();
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        // Answers 200 at once, then sends its body a byte at a time, without end.
        tenantEndpoint.createContext("/stalling", exchange -> {
            exchange.getRequestBody().readAllBytes();
            stalled.incrementAndGet();
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream body = exchange.getResponseBody()) {
                while (!endpointStopped) {
                    body.write('.');
                    body.flush();
                    Thread.sleep(200);
                }
            } catch (IOException | InterruptedException gone) {
                // the service hung up
            }
        });
        tenantEndpoint.createContext("/accepting", exchange -> {
            accepted.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        // Refuses its first request once the test lets it (10 s at most), then accepts every one.
        tenantEndpoint.createContext("/slow-then-accepting", exchange -> {
            slowThenAccepted.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            if (slowThenAccepted.size() == 1) {
                try {
                    firstRefusalMayGo.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException gone) {
                    Thread.currentThread().interrupt();
                }
            }
            exchange.sendResponseHeaders(slowThenAccepted.size() == 1 ? 500 : 204, -1);
            exchange.close();
        });
        tenantEndpoint.start();
    }

    @AfterEach
    void stopTheTenantsEndpoint() {
        endpointStopped = true;
        tenantEndpoint.stop(0);
        endpointThreads.shutdownNow();
    }

    @Test
    void anIdleSessionIsAnnouncedThenArchivedAndTheNoticeIsRetriedUntilDelivered() throws Exception {
        Http http = new Http(port);
        createTenant(http, "archiving", "/notices");
        double postedBefore = noticeExecutions("ok");
        double failedBefore = noticeExecutions("failed");

        String sessionId = http.message("archiving", "m1", "+33600000000", "live").body().get("sessionId").asText();

        await().atMost(Duration.ofSeconds(30)).until(() -> "ARCHIVED".equals(
                http.get("/api/sessions/" + sessionId).body().path("status").asText()));
        assertThat(jdbc.queryForList("SELECT payload_type FROM domain_event_entry WHERE aggregate_identifier = ? "
                                             + "ORDER BY sequence_number", String.class, sessionId))
                .containsExactly("dev.livesessions.api.LiveSessionCreated", "dev.livesessions.api.ActivityRecorded",
                                 "dev.livesessions.api.LiveSessionClosed", "dev.livesessions.api.ArchiveScheduled",
                                 "dev.livesessions.api.ArchiveNoticeIssued", "dev.livesessions.api.SessionArchived");
        await().atMost(Duration.ofSeconds(30)).until(() -> attempts.get() >= 2);
        Received delivered = received.get(1);
        assertThat(delivered.body()).isEqualTo(received.get(0).body());
        JsonNode notice = JSON.readTree(delivered.body());
        assertThat(notice.get("type").asText()).isEqualTo("session.archive-notice");
        assertThat(notice.get("sessionId").asText()).isEqualTo(sessionId);
        String timestamp = delivered.signature().split(",")[1].substring("t=".length());
        assertThat(delivered.signature()).isEqualTo("tenant=archiving,t=" + timestamp + ",v1="
                                                    + Http.hmacHex(Http.secretOf("archiving"),
                                                                   timestamp + "." + delivered.body()));
        await().atMost(Duration.ofSeconds(10)).until(() -> noticeExecutions("ok") > postedBefore);
        assertThat(noticeExecutions("failed")).isGreaterThan(failedBefore);
    }

    /** db-scheduler's count of the notices' executions that ended so: {@code ok} or {@code failed}. */
    private double noticeExecutions(String result) {
        return meters.get("dbscheduler_task_completions").tags("task", ArchiveNotices.DELIVERY, "result", result)
                     .counter().count();
    }

    /**
     * A notice given up is recorded as never sent before its delivery is removed: a withdrawal coming in between
     * would find neither, and be posted. A trigger notes, as the delivery row goes, whether the record was there.
     */
    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aNoticeTheEndpointKeepsRefusingIsTriedAsManyTimesAsSetThenGivenUp(CapturedOutput log) throws Exception {
        jdbc.execute("CREATE TABLE notice_removals (session_id text, recorded_first boolean)");
        jdbc.execute("""
                CREATE FUNCTION note_notice_removal() RETURNS trigger AS $$
                BEGIN
                    INSERT INTO notice_removals SELECT split_part(OLD.task_instance, '/', 1),
                        EXISTS (SELECT 1 FROM archive_notice_unposted
                                WHERE session_id = split_part(OLD.task_instance, '/', 1));
                    RETURN OLD;
                END $$ LANGUAGE plpgsql""");
        jdbc.execute("CREATE TRIGGER note_notice_removal BEFORE DELETE ON " + ArchiveNoticeDelivery.TABLE
                     + " FOR EACH ROW WHEN (OLD.task_instance LIKE 'refusing.%') "
                     + "EXECUTE FUNCTION note_notice_removal()");
        try {
            Http http = new Http(port);
            // The query is the receiver's own key, which the log must not show.
            createTenant(http, "refusing", "/refusing?key=s3cret");

            String sessionId = http.message("refusing", "m1", "+33600000000", "live").body().get("sessionId")
                                   .asText();

            // Tried at once, then 1 s and 2 s after each failure; a fourth try would come 4 s after the third.
            await().atMost(Duration.ofSeconds(30)).until(() -> refused.get() == 3);
            Thread.sleep(5_000);
            assertThat(refused.get()).isEqualTo(3);
            assertThat(log.getOut()).contains("Archive notice to http://localhost:"
                                              + tenantEndpoint.getAddress().getPort() + "/refusing answered 503")
                                    .doesNotContain("s3cret");
            assertThat(jdbc.queryForList("SELECT session_id || ' ' || recorded_first FROM notice_removals",
                                         String.class)).containsExactly(sessionId + " true");
        } finally {
            jdbc.execute("DROP TRIGGER note_notice_removal ON " + ArchiveNoticeDelivery.TABLE);
            jdbc.execute("DROP FUNCTION note_notice_removal()");
            jdbc.execute("DROP TABLE notice_removals");
        }
    }

    /** One delivery must not keep a thread for as long as its endpoint keeps answering. */
    @Test
    void aNoticeWhoseEndpointNeverFinishesAnsweringFailsAtTheTimeoutAndIsTriedAgain() {
        Http http = new Http(port);
        createTenant(http, "stalling", "/stalling");

        http.message("stalling", "m1", "+33600000000", "live");

        // The notice comes 6 s before the archive; its first try ends 2 s after it began, and the next comes 1 s later.
        // (A third would come 2 s after the second ended, after the archive: it is given up instead.)
        await().atMost(Duration.ofSeconds(30)).until(() -> stalled.get() == 2);
    }

    @Test
    void aNoticeIsWithdrawnWhenAutoCleanupIsTurnedOffBeforeTheArchive() throws Exception {
        Http http = new Http(port);
        createTenant(http, "withdrawing", "/accepting");
        String sessionId = http.message("withdrawing", "m1", "+33600000000", "live").body().get("sessionId").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> !accepted.isEmpty());
        JsonNode notice = JSON.readTree(accepted.get(0));
        assertThat(notice.get("type").asText()).isEqualTo("session.archive-notice");

        // The archive is due 6 s after its notice (at least 3 s, were the notice late).
        Instant archiveAt = Instant.parse(notice.get("archiveAt").asText());
        assertThat(Instant.now()).as("the notice came in time to turn auto-cleanup off before the archive")
                                 .isBefore(archiveAt.minusSeconds(1));
        turnAutoCleanupOff(http, sessionId);

        await().atMost(Duration.ofSeconds(30)).until(() -> accepted.size() == 2);
        JsonNode withdrawn = JSON.readTree(accepted.get(1));
        assertThat(withdrawn.get("type").asText()).isEqualTo("session.archive-notice-withdrawn");
        assertThat(withdrawn.get("sessionId").asText()).isEqualTo(sessionId);
        assertThat(withdrawn.get("archiveAt").asText()).isEqualTo(notice.get("archiveAt").asText());
        await().atMost(Duration.ofSeconds(30))
               .until(() -> Instant.now().isAfter(archiveAt.plusSeconds(2)));
        assertThat(http.get("/api/sessions/" + sessionId).body().get("status").asText()).isEqualTo("CLOSED");
        assertThat(accepted).hasSize(2);
    }

    /**
     * A tenant that had no notification URL when the notice was issued was never sent it: it gets no withdrawal
     * either, though it has a URL by then.
     */
    @Test
    void aNoticeNeverSentIsWithdrawnWithoutAMessage() throws Exception {
        Http http = new Http(port);
        String tenant = Http.uniqueTenant("unnotified");
        Map<String, Object> settings = new LinkedHashMap<>(Map.of(
                "id", tenant, "name", tenant, "sellerPhones", List.of("+33600000000"), "inactivityWindow", "PT1S",
                "webhookSecret", Http.secretOf(tenant)));
        assertThat(http.post("/api/tenants", settings).status()).isEqualTo(201);
        String sessionId = http.message(tenant, "m1", "+33600000000", "live").body().get("sessionId").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> neverSent(sessionId) == 1);

        settings.put("notificationUrl", "http://localhost:" + tenantEndpoint.getAddress().getPort() + "/accepting");
        assertThat(http.put("/api/tenants/" + tenant, settings).status()).isEqualTo(200);
        turnAutoCleanupOff(http, sessionId);

        assertThat(jdbc.queryForList("SELECT payload_type FROM domain_event_entry WHERE aggregate_identifier = ?",
                                     String.class, sessionId)).contains("dev.livesessions.api.ArchiveNoticeWithdrawn");
        assertThat(neverSent(sessionId)).isZero();
        assertThat(deliveriesFor(sessionId)).isZero();
        Thread.sleep(1_000);
        assertThat(accepted).isEmpty();
    }

    /**
     * A notice not sent yet (its endpoint refused it, and it waits to be tried again) is called off with its archive:
     * the tenant hears of neither. Otherwise it would be tried again, and the withdrawal tried after it.
     */
    @Test
    void aNoticeNotSentYetIsCalledOffRatherThanWithdrawn() throws Exception {
        Http http = new Http(port);
        String sessionId = aSessionOfANewTenant(http, "refusing", "/refusing");
        await().atMost(Duration.ofSeconds(30)).until(() -> refused.get() >= 1);

        turnAutoCleanupOff(http, sessionId);

        // Tried at most three times in all (had every try of the notice come before it was called off, it was given
        // up, and its withdrawal not sent); sent as well, the withdrawal would have been refused three times more.
        await().atMost(Duration.ofSeconds(30)).until(() -> deliveriesFor(sessionId) == 0);
        Thread.sleep(1_000);
        assertThat(refused.get()).isBetween(1, 3);
    }

    /**
     * A notice called off as it was being posted, then refused, waits to be tried again: the withdrawal, held back
     * while it was posted, calls it off then. Otherwise the notice was tried again, reached the tenant after its
     * archive had been called off, and the withdrawal, failing all the while, came last or was given up.
     */
    @Test
    void aNoticeRefusedAfterItsArchiveWasCalledOffIsNotTriedAgain() throws Exception {
        Http http = new Http(port);
        String sessionId = aSessionOfANewTenant(http, "slow", "/slow-then-accepting");
        await().atMost(Duration.ofSeconds(30)).until(() -> !slowThenAccepted.isEmpty());

        turnAutoCleanupOff(http, sessionId);
        firstRefusalMayGo.countDown();

        // Refused once its archive was called off, the notice would be tried again a second later.
        await().atMost(Duration.ofSeconds(30)).until(() -> deliveriesFor(sessionId) == 0);
        Thread.sleep(3_000);
        assertThat(slowThenAccepted).hasSize(1);
        assertThat(JSON.readTree(slowThenAccepted.get(0)).get("type").asText()).isEqualTo("session.archive-notice");
    }

    /** The notices and withdrawals of the session waiting to be sent, or being sent. */
    private long deliveriesFor(String sessionId) {
        return jdbc.queryForObject("SELECT count(*) FROM " + ArchiveNoticeDelivery.TABLE
                                   + " WHERE task_name = 'send-archive-notice' "
                                   + "AND position(convert_to(?, 'UTF8') IN task_data) > 0", Long.class,
                                   "\"" + sessionId + "\"");
    }

    /** The notices of the session recorded as never sent. */
    private long neverSent(String sessionId) {
        return jdbc.queryForObject("SELECT count(*) FROM archive_notice_unposted WHERE session_id = ?", Long.class,
                                   sessionId);
    }

    /**
     * A tenant's notice may be shorter than the retries take: one its endpoint still refused when the archive came is
     * given up, rather than announce an archive that has happened. With a notice of 2 s, the first try comes as the
     * notice is issued, the second a second or more later, the third two seconds after that: past the archive.
     */
    @Test
    void aNoticeStillUnpostedWhenItsArchiveComesIsGivenUp() {
        Http http = new Http(port);
        String tenant = Http.uniqueTenant("short-notice");
        createTenant(http, tenant, "/refusing", Map.of("archiveNotice", "PT2S"));
        Counter givenUp = meters.counter("live_sessions.notices", "outcome", "given_up");
        double givenUpBefore = givenUp.count();

        String sessionId = http.message(tenant, "m1", "+33600000000", "live").body().get("sessionId").asText();

        await().atMost(Duration.ofSeconds(30)).until(() -> !refusedOf(sessionId).isEmpty()
                                                             && deliveriesFor(sessionId) == 0);
        // The third try, at least a second after the archive, was not made; posted, it would have been refused.
        assertThat(refusedOf(sessionId)).hasSizeLessThan(3);
        assertThat(neverSent(sessionId)).isEqualTo(1);
        // (Another test's notice may be given up meanwhile.)
        assertThat(givenUp.count()).isGreaterThan(givenUpBefore);
    }

    private List<JsonNode> refusedOf(String sessionId) {
        return refusedNotices.stream().filter(notice -> notice.get("sessionId").asText().equals(sessionId)).toList();
    }

    /** A tenant that removed its notification URL after a notice was issued does not get it: the notice is counted. */
    @Test
    void aNoticeDueForATenantWithoutANotificationUrlAnyMoreIsDroppedAndCounted() throws Exception {
        Http http = new Http(port);
        assertThat(http.createTenant("unreachable", "PT1H", "+33600000000").status()).isEqualTo(201);
        Counter dropped = meters.counter("live_sessions.notices", "outcome", "dropped");
        double droppedBefore = dropped.count();

        delivery.schedule("notice-of-unreachable", JSON.writeValueAsString(Map.of(
                "type", "session.archive-notice", "tenantId", "unreachable", "sessionId", "unreachable.1")),
                          Instant.now());

        await().atMost(Duration.ofSeconds(30)).until(() -> dropped.count() == droppedBefore + 1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM " + ArchiveNoticeDelivery.TABLE
                                       + " WHERE task_instance = ?", Long.class,
                                       "notice-of-unreachable")).isZero();
    }

    /** @return the session a new tenant opens, whose notices go to that path of the tenant's endpoint */
    private String aSessionOfANewTenant(Http http, String name, String noticePath) {
        String tenant = Http.uniqueTenant(name);
        createTenant(http, tenant, noticePath);
        return http.message(tenant, "m1", "+33600000000", "live").body().get("sessionId").asText();
    }

    private static void turnAutoCleanupOff(Http http, String sessionId) {
        assertThat(http.put("/api/sessions/" + sessionId + "/auto-cleanup", Map.of("enabled", false)).status())
                .isEqualTo(200);
    }

    private void createTenant(Http http, String id, String noticePath) {
        createTenant(http, id, noticePath, Map.of());
    }

    private void createTenant(Http http, String id, String noticePath, Map<String, Object> overrides) {
        Map<String, Object> tenant = new LinkedHashMap<>();
        tenant.put("id", id);
        tenant.put("name", id);
        tenant.put("sellerPhones", List.of("+33600000000"));
        tenant.put("inactivityWindow", "PT1S");
        tenant.put("webhookSecret", Http.secretOf(id));
        tenant.put("notificationUrl", "http://localhost:" + tenantEndpoint.getAddress().getPort() + noticePath);
        tenant.putAll(overrides);
        assertThat(http.post("/api/tenants", tenant).status()).isEqualTo(201);
    }
}
