package dev.livesessions.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livesessions.DatabaseFailures;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

import java.io.IOException;
import java.net.URI;

/**
 * The API's answers to callers who are not authenticated (401) or not allowed (403), and to those whose credentials
 * could not be checked because the database failed (503 when it cannot be reached, as the API answers it), as problems.
 */
class SecurityProblems implements AuthenticationEntryPoint, AccessDeniedHandler {

    private static final Logger logger = LoggerFactory.getLogger(SecurityProblems.class);

    private final ObjectMapper json;

    SecurityProblems(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException exception)
            throws IOException {
        response.setHeader("WWW-Authenticate", "Bearer");
        write(request, response, HttpStatus.UNAUTHORIZED, "Authentication required",
              exception.getMessage() + ": log in, or send Authorization: Bearer <token>");
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException exception)
            throws IOException {
        write(request, response, HttpStatus.FORBIDDEN, "Forbidden", "Your role does not allow this");
    }

    /** The caller's token could not be looked up: a client tries again after a 503, as with any other request. */
    void credentialsNotChecked(HttpServletRequest request, HttpServletResponse response, DataAccessException failure)
            throws IOException {
        if (!DatabaseFailures.unreachable(failure)) {
            logger.error("An API token could not be checked", failure);
            write(request, response, HttpStatus.INTERNAL_SERVER_ERROR, "Internal Server Error",
                  "The request failed in the database.");
            return;
        }
        logger.warn("Database unavailable while checking an API token: {}", failure.getMessage());
        response.setHeader(HttpHeaders.RETRY_AFTER, "5");
        write(request, response, HttpStatus.SERVICE_UNAVAILABLE, "Service Unavailable",
              "The database is unavailable; try again shortly.");
    }

    private void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String title,
                       String detail) throws IOException {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        problem.setInstance(URI.create(request.getRequestURI()));
        response.setStatus(status.value());
        response.setContentType("application/problem+json");
        json.writeValue(response.getOutputStream(), problem);
    }
}
