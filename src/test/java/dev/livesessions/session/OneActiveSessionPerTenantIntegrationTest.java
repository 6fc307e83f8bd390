package dev.livesessions.session;

import dev.livesessions.Http;
import dev.livesessions.IntegrationTest;
import dev.livesessions.api.LiveSignal;
import dev.livesessions.api.OpenLiveSession;
import dev.livesessions.api.SessionTerms;
import dev.livesessions.api.SignalSource;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The guard below the write path: even a caller that bypasses it (another node, a bug) cannot give a tenant two
 * active sessions. What ingestion does with such a refusal is tested in ConcurrentSignalsIntegrationTest.
 */
@IntegrationTest
class OneActiveSessionPerTenantIntegrationTest {

    private static final Duration WINDOW = Duration.ofMinutes(45);

    @Autowired
    CommandGateway commands;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aSecondSessionCannotOpenWhileTheTenantsSessionIsActive() {
        String tenant = Http.uniqueTenant("guard");
        commands.sendAndWait(open(tenant, 1, "m1"));

        assertThatThrownBy(() -> commands.sendAndWait(open(tenant, 2, "m2")))
                .hasMessageContaining("already has an active session");

        assertThat(eventsOf(tenant + ".2")).isZero();
        assertThat(jdbc.queryForObject("SELECT session_id FROM tenant_latest_session WHERE tenant_id = ? AND active",
                                       String.class, tenant)).isEqualTo(tenant + ".1");
    }

    @Test
    void twoOpeningsOfTheSameSessionAtOnceEndInOneSession() {
        String tenant = Http.uniqueTenant("race");
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Object>> openings = List.of("m1", "m2").stream()
                .map(messageId -> CompletableFuture.<Object>supplyAsync(() -> {
                    awaitQuietly(start);
                    try {
                        return commands.sendAndWait(open(tenant, 1, messageId));
                    } catch (RuntimeException refused) {
                        return refused;
                    }
                }))
                .toList();
        start.countDown();

        long refused = openings.stream().map(CompletableFuture::join).filter(RuntimeException.class::isInstance).count();

        assertThat(refused).isEqualTo(1);
        assertThat(eventsOf(tenant + ".1")).isEqualTo(2);
    }

    private static OpenLiveSession open(String tenant, long number, String messageId) {
        Instant now = Instant.now();
        return new OpenLiveSession(tenant + "." + number, tenant, number, new SessionTerms(WINDOW, true, null),
                                   List.of(new LiveSignal(messageId, SignalSource.SELLER, null, now, now, "c")));
    }

    private long eventsOf(String sessionId) {
        return jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier = ?",
                                   Long.class, sessionId);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
