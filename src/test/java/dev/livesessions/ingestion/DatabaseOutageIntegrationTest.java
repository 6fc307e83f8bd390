package dev.livesessions.ingestion;

import dev.livesessions.Http;
import dev.livesessions.IntegrationTest;
import dev.livesessions.LiveSessionsApplication;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL stops under the service and comes back: both webhooks answer 503 meanwhile, alike whether the tenant's
 * lookup or the message's write met the outage, then 200, nothing lost or counted twice. The API answers 503 too,
 * whether the outage is met by the request or by the lookup of the caller's API token.
 */
class DatabaseOutageIntegrationTest {

    @TempDir
    Path dataDirectory;

    @Test
    void whileTheDatabaseIsDownMessagesAre503AndOnceItIsBackTheyAreStoredOnce() throws Exception {
        int port = freePort();
        EmbeddedPostgres database = start(port);
        try (ConfigurableApplicationContext service = new SpringApplicationBuilder(LiveSessionsApplication.class).run(
                "--server.port=0",
                "--spring.datasource.url=" + database.getJdbcUrl("postgres", "postgres"),
                "--spring.datasource.username=postgres",
                "--spring.datasource.hikari.connection-timeout=1000",
                "--live-sessions.whatsapp.app-secret=" + IntegrationTest.WHATSAPP_APP_SECRET)) {
            int servicePort = Integer.parseInt(service.getEnvironment().getProperty("local.server.port"));
            Http http = new Http(servicePort);
            assertThat(http.createTenant("outage", null, "+33600000000").status()).isEqualTo(201);
            http.ensureWhatsAppTenant(WhatsAppWebhookIntegrationTest.SHOP_A, WhatsAppWebhookIntegrationTest.SHOP_A_NUMBER,
                                      WhatsAppWebhookIntegrationTest.SHOP_A_SELLER);
            assertThat(http.message("outage", "before", "+33700000001", "A1").status()).isEqualTo(200);
            String storedToken = http.post("/api/tokens", Map.of("name", "cron", "role", "ADMIN")).body().get("token")
                                     .asText();
            Http withStoredToken = new Http(servicePort, storedToken);
            assertThat(withStoredToken.get("/api/stats/outage").status()).isEqualTo(200);

            database.close();
            Http.Response duringOutage = http.message("outage", "during", "+33700000001", "A2");
            Http.Response whatsAppDuringOutage = whatsApp(http);
            for (Http caller : List.of(http, withStoredToken)) {
                Http.Response stats = caller.get("/api/stats/outage");
                assertThat(stats.status()).isEqualTo(503);
                assertThat(stats.contentType()).isEqualTo("application/problem+json");
                assertThat(stats.headers().firstValue("Retry-After")).hasValue("5");
                assertThat(stats.body().get("correlationId").asText())
                        .isEqualTo(stats.headers().firstValue("X-Correlation-Id").orElseThrow());
            }

            // The generic webhook's tenant is known already, so its message met the outage in the write; the
            // WhatsApp number was never looked up, so its message met it in the tenant's lookup. The provider gets
            // the same answer either way.
            for (Http.Response answer : List.of(duringOutage, whatsAppDuringOutage)) {
                assertThat(answer.status()).isEqualTo(503);
                assertThat(answer.contentType()).isEqualTo("application/problem+json");
                assertThat(answer.body().get("title").asText()).isEqualTo("Not stored");
                assertThat(answer.headers().firstValue("Retry-After")).hasValue("1");
                assertThat(answer.body().get("correlationId").asText())
                        .isEqualTo(answer.headers().firstValue("X-Correlation-Id").orElseThrow());
            }

            database = start(port);
            // As a provider does: deliver again until it is accepted (the first attempts may meet connections
            // that died with the old server).
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(
                    () -> http.message("outage", "during", "+33700000001", "A2").status() == 200);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(
                    () -> whatsApp(http).status() == 200);
            assertThat(http.message("outage", "before", "+33700000001", "A1").body().get("duplicate").asBoolean())
                    .isTrue();
            assertThat(whatsApp(http).body().get("duplicates").asInt()).isEqualTo(1);
            assertThat(service.getBean(JdbcTemplate.class).queryForList(
                    "SELECT convert_from(payload, 'UTF8')::json ->> 'messageId' FROM domain_event_entry "
                            + "WHERE payload_type = 'dev.livesessions.api.ActivityRecorded' ORDER BY global_index",
                    String.class)).containsExactly("before", "during", WHATSAPP_MESSAGE);
        } finally {
            database.close();
        }
    }

    /** The id of the message in whatsapp/text-message.json. */
    private static final String WHATSAPP_MESSAGE = "wamid.HBgLMTY1MDUwNzY1MjAVAgASGBQzQTdCNTg5RjY1MEI2OTFGMjJFNQA=";

    private static Http.Response whatsApp(Http http) {
        String body = WhatsAppWebhookIntegrationTest.payload("text-message.json");
        return http.whatsApp(body, "sha256=" + Http.hmacHex(IntegrationTest.WHATSAPP_APP_SECRET, body));
    }

    private EmbeddedPostgres start(int port) throws IOException {
        return EmbeddedPostgres.builder().setDataDirectory(dataDirectory).setCleanDataDirectory(false)
                               .setPort(port).setServerConfig("synchronous_commit", "on")
                               .setRegisterShutdownHook(false).start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
