package dev.livesessions.platform;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livesessions.Http;
import dev.livesessions.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/** The API describes itself (springdoc), to anyone, with the parameters clients really send. */
@IntegrationTest
class OpenApiIntegrationTest {

    @LocalServerPort
    int port;

    @Test
    void theOpenApiDescriptionListsTheEndpointsAndTheirRealParameters() {
        Http.Response docs = new Http(port, null).get("/v3/api-docs");

        assertThat(docs.status()).isEqualTo(200);
        JsonNode paths = docs.body().get("paths");
        assertThat(paths.has("/webhooks/messages")).isTrue();
        assertThat(paths.has("/api/sessions/{sessionId}/events")).isTrue();
        assertThat(paths.has("/error")).as("where errors are forwarded, not an endpoint").isFalse();
        assertThat(paths.at("/~1api~1sessions/get/parameters").findValuesAsText("name"))
                .containsExactlyInAnyOrder("tenantId", "status", "cleanupStatus", "page", "size");
        assertThat(new Http(port, null).get("/swagger-ui/index.html").status()).isEqualTo(200);
    }
}
