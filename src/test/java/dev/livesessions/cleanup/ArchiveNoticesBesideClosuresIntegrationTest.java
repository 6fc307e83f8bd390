package dev.livesessions.cleanup;

import dev.livesessions.Http;
import dev.livesessions.TestDatabase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ContextConfiguration;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tenant endpoints that hang hold up no session's closure: the notices to them wait on threads of their own, not on
 * the deadlines' (ADR 38), which the service's stops and starts pause and take up again.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
                properties = {"live-sessions.cleanup.notice-timeout=30s", "live-sessions.cleanup.notice-attempts=1",
                              "live-sessions.cleanup.notice-threads=2"})
@ContextConfiguration(initializers = TestDatabase.class)
class ArchiveNoticesBesideClosuresIntegrationTest {

    /** More than the deadline scheduler's threads (8). */
    private static final int HANGING_NOTICES = 12;

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ArchiveNoticeDelivery delivery;
    @Autowired
    MeterRegistry meters;

    /** Takes connections (the kernel's backlog does) and never answers on them. */
    private ServerSocket hangingEndpoint;

    @BeforeEach
    void openTheHangingEndpoint() throws IOException {
        hangingEndpoint = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void closeTheHangingEndpoint() throws IOException {
        hangingEndpoint.close();
    }

    /** A stop pauses the deliveries, and a start takes them up again (a db-scheduler that stopped cannot start). */
    @Test
    void noticesArePostedAgainOnceTheServiceStartsAfterAStop() {
        Counter dropped = meters.counter("live_sessions.notices", "outcome", "dropped");
        double droppedBefore = dropped.count();

        delivery.stop();
        delivery.start();
        delivery.schedule("after-a-stop", Http.write(Map.of(
                "type", ArchiveNotices.NOTICE, "tenantId", "no-such-tenant", "sessionId", "no-such-tenant.1")),
                          Instant.now());

        // A tenant that is gone cannot be told: the notice is dropped, which shows it was taken.
        await().atMost(Duration.ofSeconds(10)).until(() -> dropped.count() == droppedBefore + 1);
    }

    @Test
    void aSessionClosesOnTimeWhileNoticesHangOnTheirEndpoint() {
        Http http = new Http(port);
        String hanging = Http.uniqueTenant("hanging");
        Map<String, Object> tenant = new LinkedHashMap<>();
        tenant.put("id", hanging);
        tenant.put("name", hanging);
        tenant.put("sellerPhones", List.of("+33600000000"));
        tenant.put("webhookSecret", Http.secretOf(hanging));
        tenant.put("notificationUrl", "http://localhost:" + hangingEndpoint.getLocalPort() + "/notices");
        assertThat(http.post("/api/tenants", tenant).status()).isEqualTo(201);
        for (int i = 0; i < HANGING_NOTICES; i++) {
            delivery.schedule(hanging + "/notice-" + i, Http.write(Map.of(
                    "type", ArchiveNotices.NOTICE, "tenantId", hanging, "sessionId", hanging + "." + i)),
                              Instant.now());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM " + ArchiveNoticeDelivery.TABLE + " WHERE picked AND task_instance LIKE ?",
                Long.class, hanging + "/%") >= 2);

        String selling = Http.uniqueTenant("selling");
        assertThat(http.createTenant(selling, "PT1S", "+33600000001").status()).isEqualTo(201);
        String sessionId = http.message(selling, "m1", "+33600000001", "live").body().get("sessionId").asText();

        // Due a second after the message, found within half a second: 30 s late were the notices in its way.
        await().atMost(Duration.ofSeconds(40)).until(() -> "CLOSED".equals(
                http.get("/api/sessions/" + sessionId).body().path("status").asText()));
        assertThat(http.closureLateness(sessionId)).isLessThan(Duration.ofSeconds(10));
    }
}
