package dev.livesessions.platform;

import dev.livesessions.Http;
import dev.livesessions.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.time.Duration;
import java.util.List;

import static dev.livesessions.Http.uniqueTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The read models follow the stream by reading the store themselves, not through Axon's shared cache of events,
 * whose reader thread reads the stream again after every commit (ADR 30).
 */
@IntegrationTest
class EventStoreReadsIntegrationTest {

    private static final String SELLER = "+33600000000";
    private static final int MESSAGES = 20;

    @LocalServerPort
    int port;

    @Test
    void readModelsFollowCommitsOneByOneWithoutTheSharedCachesReader() {
        Http http = new Http(port);
        String tenant = uniqueTenant("reads");
        http.createTenant(tenant, "PT1H", SELLER);

        for (int i = 0; i < MESSAGES; i++) {
            http.message(tenant, "m" + i, SELLER, "live " + i);
        }

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                http.get("/api/stats/" + tenant).body().get("liveMessages").asLong()).isEqualTo(MESSAGES));
        assertThat(sharedCacheThreads()).as("threads of Axon's shared event cache").isEmpty();
    }

    private static List<String> sharedCacheThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                     .filter(thread -> thread.getThreadGroup() != null
                                       && thread.getThreadGroup().getName().equals("EmbeddedEventStore"))
                     .map(Thread::getName)
                     .toList();
    }
}
