package dev.livesessions.ingestion;

import dev.livesessions.DatabaseFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.TransactionException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * How the webhooks refuse a request. Each answer is a problem (application/problem+json), and nothing of a refused
 * request is stored. 503 answers carry Retry-After: the provider should deliver again. A database that cannot be
 * reached is answered alike whether the tenant's lookup or the message's write met it, so this advice goes before
 * the API's ({@code ApiProblems}), which would answer the lookup's failure in its own words.
 */
@RestControllerAdvice(assignableTypes = {GenericWebhookController.class, WhatsAppWebhookController.class})
@Order(Ordered.HIGHEST_PRECEDENCE)
class WebhookProblems {

    private static final Logger logger = LoggerFactory.getLogger(WebhookProblems.class);

    @ExceptionHandler(InvalidSignatureException.class)
    ProblemDetail invalidSignature(InvalidSignatureException exception) {
        return problem(HttpStatus.UNAUTHORIZED, "Invalid signature", exception.getMessage());
    }

    @ExceptionHandler(WrongTenantException.class)
    ProblemDetail wrongTenant(WrongTenantException exception) {
        return problem(HttpStatus.FORBIDDEN, "Wrong tenant", exception.getMessage());
    }

    @ExceptionHandler(InvalidPayloadException.class)
    ProblemDetail invalidPayload(InvalidPayloadException exception) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "Invalid request", exception.getMessage());
        problem.setProperty("errors", exception.errors());
        return problem;
    }

    @ExceptionHandler(SignalsNotRecordedException.class)
    ResponseEntity<ProblemDetail> notRecorded(SignalsNotRecordedException exception) {
        return retryLater("The message was not stored; deliver it again.");
    }

    @ExceptionHandler({DataAccessException.class, TransactionException.class})
    ResponseEntity<ProblemDetail> databaseFailed(Exception exception) {
        if (!DatabaseFailures.unreachable(exception)) {
            logger.error("Webhook failed in the database", exception);
            return ResponseEntity.internalServerError().body(problem(
                    HttpStatus.INTERNAL_SERVER_ERROR, "Not stored", "The request failed in the database."));
        }
        logger.warn("Webhook not stored, the database is unavailable: {}", exception.getMessage());
        return retryLater("The message was not stored; deliver it again.");
    }

    @ExceptionHandler(WebhookNotConfiguredException.class)
    ResponseEntity<ProblemDetail> notConfigured(WebhookNotConfiguredException exception) {
        logger.error("Webhook refused: {}", exception.getMessage());
        return retryLater("The webhook is not configured yet; deliver it again later.");
    }

    private static ResponseEntity<ProblemDetail> retryLater(String detail) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                             .header(HttpHeaders.RETRY_AFTER, "1")
                             .body(problem(HttpStatus.SERVICE_UNAVAILABLE, "Not stored", detail));
    }

    private static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return problem;
    }
}
