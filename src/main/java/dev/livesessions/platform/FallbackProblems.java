package dev.livesessions.platform;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * The answer to an error that no handler answered: an exception nobody expected, or a request refused before it
 * reached a controller (Spring Security's firewall refuses a path such as {@code /api//sessions}). The servlet
 * container forwards these here; the answer is a problem like every other error's, in place of Spring Boot's own JSON,
 * and a server error's names the request's correlation id, which its log lines carry. It is not an endpoint of the
 * API, so its description leaves it out.
 */
@Hidden
@RestController
class FallbackProblems implements ErrorController {

    private static final Logger logger = LoggerFactory.getLogger(FallbackProblems.class);

    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<ProblemDetail> problem(HttpServletRequest request) {
        HttpStatus status = statusOf(request);
        ProblemDetail problem = ProblemDetail.forStatus(status);
        if (request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String path) {
            try {
                problem.setInstance(new URI(path));
            } catch (URISyntaxException notAUri) {
                // the container took it; the problem goes without it
            }
        }
        if (status.is5xxServerError()) {
            String correlationId = String.valueOf(request.getAttribute(RequestCorrelation.ATTRIBUTE));
            problem.setDetail("The request failed on the server; its correlation id is in the log.");
            problem.setProperty("correlationId", correlationId);
            // The container logged the stack just before, without the id: its own lines had ended with the request.
            Object cause = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
            try (MDC.MDCCloseable ignored = MDC.putCloseable(RequestCorrelation.MDC_KEY, correlationId)) {
                logger.error("Request {} failed: {}", request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI),
                             String.valueOf(cause != null ? cause : status));
            }
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    /** The error's status; a request for this path itself, which no error forwarded here, finds nothing. */
    private static HttpStatus statusOf(HttpServletRequest request) {
        if (!(request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer code)) {
            return HttpStatus.NOT_FOUND;
        }
        HttpStatus status = HttpStatus.resolve(code);
        return status == null || !status.isError() ? HttpStatus.INTERNAL_SERVER_ERROR : status;
    }
}
