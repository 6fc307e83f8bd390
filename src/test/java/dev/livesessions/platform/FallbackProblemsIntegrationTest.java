package dev.livesessions.platform;

import dev.livesessions.Http;
import dev.livesessions.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/** Errors that reach no controller's handler are answered as problems too. */
@IntegrationTest
class FallbackProblemsIntegrationTest {

    @LocalServerPort
    int port;

    /** Spring Security's firewall refuses a path that is not normalised before any controller sees it. */
    @Test
    void aPathRefusedBeforeAnyControllerIsABadRequestProblem() {
        Http.Response refused = new Http(port).get("/api//sessions");

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.contentType()).isEqualTo("application/problem+json");
        assertThat(refused.body().get("title").asText()).isEqualTo("Bad Request");
        assertThat(refused.body().get("instance").asText()).isEqualTo("/api//sessions");
    }

    /** The path errors are forwarded to is not a page of its own. */
    @Test
    void theErrorPathAskedForItselfIsNotFound() {
        Http.Response answer = new Http(port, null).get("/error");

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.contentType()).isEqualTo("application/problem+json");
    }
}
