package dev.livesessions.platform;

import jakarta.servlet.RequestDispatcher;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;

/** What an exception that no handler expected tells the caller: not what it was. */
class FallbackProblemsTest {

    @Test
    void anUnexpectedExceptionIsAServerErrorProblemThatDoesNotSayWhatFailed() {
        MockHttpServletRequest forwarded = new MockHttpServletRequest("GET", "/error");
        forwarded.setAttribute(RequestDispatcher.ERROR_STATUS_CODE, 500);
        forwarded.setAttribute(RequestDispatcher.ERROR_REQUEST_URI, "/api/sessions/t.1");
        forwarded.setAttribute(RequestDispatcher.ERROR_EXCEPTION, new IllegalStateException("secret internals"));
        forwarded.setAttribute(RequestCorrelation.ATTRIBUTE, "request-42");

        ResponseEntity<ProblemDetail> answer = new FallbackProblems().problem(forwarded);

        assertThat(answer.getStatusCode().value()).isEqualTo(500);
        assertThat(answer.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(answer.getBody().getInstance()).isEqualTo(URI.create("/api/sessions/t.1"));
        assertThat(answer.getBody().getDetail()).doesNotContain("secret internals");
    }
}
