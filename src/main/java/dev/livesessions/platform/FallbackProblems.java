package dev.livesessions.platform;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
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
        HttpStatusCode status = statusOf(request);
        ProblemDetail problem = ProblemDetail.forStatus(status);
        Object path = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        if (path instanceof String uri) {
            try {
                problem.setInstance(new URI(uri));
            } catch (URISyntaxException notAUri) {
                // the container took it; the problem goes without it
            }
        }
        if (status.is5xxServerError()) {
            problem.setDetail("The request failed on the server; its correlation id is in the log.");
            // The problem gets the correlation id as every server error's does (CorrelatedServerErrors).
            if (request.getAttribute(RequestCorrelation.ATTRIBUTE) instanceof String correlationId) {
                MDC.put(RequestCorrelation.MDC_KEY, correlationId);
            }
            // The container logged the stack just before, without the id: its own lines had ended with the request.
            Object cause = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
            try {
                if (cause != null) {
                    logger.error("Request {} failed: {}", path, cause.toString());
                } else {
                    logger.warn("Request {} answered {} without an exception", path, status.value());
                }
            } finally {
                MDC.remove(RequestCorrelation.MDC_KEY);
            }
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    /** The error's status; a request for this path itself, which no error forwarded here, finds nothing. */
    private static HttpStatusCode statusOf(HttpServletRequest request) {
        if (!(request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer code)) {
            return HttpStatus.NOT_FOUND;
        }
        return code >= 400 && code < 600 ? HttpStatusCode.valueOf(code) : HttpStatus.INTERNAL_SERVER_ERROR;
    }
}
