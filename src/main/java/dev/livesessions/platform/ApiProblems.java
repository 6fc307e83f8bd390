package dev.livesessions.platform;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.livesessions.DatabaseFailures;
import org.axonframework.common.AxonException;
import org.axonframework.common.jdbc.JdbcException;
import org.axonframework.eventsourcing.eventstore.EventStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.lang.NonNull;
import org.springframework.transaction.TransactionException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import java.sql.SQLException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Every error answer is an RFC 9457 problem (application/problem+json). Invalid input lists what is wrong with each
 * field; a database that cannot be reached is a 503, which tells the sender to try again.
 */
@RestControllerAdvice
class ApiProblems extends ResponseEntityExceptionHandler {

    private static final Logger logger = LoggerFactory.getLogger(ApiProblems.class);
    /** How Jackson words a field found twice in one object; it has no exception of its own for it. */
    private static final Pattern GIVEN_TWICE = Pattern.compile("Duplicate field '(.*)'");

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(@NonNull MethodArgumentNotValidException exception,
                                                                  @NonNull HttpHeaders headers,
                                                                  @NonNull HttpStatusCode status,
                                                                  @NonNull WebRequest request) {
        List<String> errors = exception.getBindingResult().getAllErrors().stream()
                                       .map(error -> error instanceof FieldError field
                                               ? field.getField() + ": " + field.getDefaultMessage()
                                               : error.getDefaultMessage())
                                       .sorted()
                                       .toList();
        ProblemDetail problem = invalid(errors);
        return handleExceptionInternal(exception, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(
            @NonNull HandlerMethodValidationException exception, @NonNull HttpHeaders headers,
            @NonNull HttpStatusCode status, @NonNull WebRequest request) {
        List<String> errors = exception.getParameterValidationResults().stream()
                                       .flatMap(result -> result.getResolvableErrors().stream().map(
                                               error -> result.getMethodParameter().getParameterName() + ": "
                                                       + error.getDefaultMessage()))
                                       .sorted()
                                       .toList();
        return handleExceptionInternal(exception, invalid(errors), headers, HttpStatus.BAD_REQUEST, request);
    }

    /** A body that is not JSON, or not of the request's shape: the field at fault is named when there is one. */
    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(@NonNull HttpMessageNotReadableException exception,
                                                                  @NonNull HttpHeaders headers,
                                                                  @NonNull HttpStatusCode status,
                                                                  @NonNull WebRequest request) {
        String error;
        Matcher twice = exception.getCause() instanceof JsonParseException parse && parse.getOriginalMessage() != null
                ? GIVEN_TWICE.matcher(parse.getOriginalMessage()) : null;
        if (exception.getCause() instanceof UnrecognizedPropertyException unknown) {
            error = fieldOf(unknown) + ": not a field of this request";
        } else if (twice != null && twice.matches()) {
            error = twice.group(1) + ": given twice";
        } else if (exception.getCause() instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
            error = fieldOf(mismatch) + ": not a value of the expected type";
        } else {
            error = "the body must be a JSON object of this request's fields";
        }
        return handleExceptionInternal(exception, invalid(List.of(error)), headers, HttpStatus.BAD_REQUEST, request);
    }

    private static String fieldOf(MismatchedInputException mismatch) {
        return mismatch.getPath().stream()
                       .map(reference -> reference.getFieldName() != null ? reference.getFieldName()
                               : "[" + reference.getIndex() + "]")
                       .collect(Collectors.joining(".")).replace(".[", "[");
    }

    @ExceptionHandler({DataAccessException.class, TransactionException.class})
    ResponseEntity<ProblemDetail> databaseFailed(Exception exception) {
        if (!DatabaseFailures.unreachable(exception)) {
            logger.error("Request failed in the database", exception);
            return ResponseEntity.internalServerError().body(ProblemDetail.forStatusAndDetail(
                    HttpStatus.INTERNAL_SERVER_ERROR, "The request failed in the database."));
        }
        return databaseUnavailable(exception);
    }

    /**
     * Axon's JDBC event store wraps what the driver said in exceptions of its own: a database lost while a command
     * loads or appends a session's events is unavailable like any other; anything else is a server error, answered
     * as a problem like the database's own.
     */
    @ExceptionHandler({EventStoreException.class, JdbcException.class})
    ResponseEntity<ProblemDetail> eventStoreFailed(AxonException exception) {
        if (!DatabaseFailures.unreachable(exception)) {
            logger.error("Request failed in the event store", exception);
            return ResponseEntity.internalServerError().body(ProblemDetail.forStatusAndDetail(
                    HttpStatus.INTERNAL_SERVER_ERROR, "The request failed in the event store."));
        }
        return databaseUnavailable(exception);
    }

    private static ResponseEntity<ProblemDetail> databaseUnavailable(Exception exception) {
        logger.warn("Database unavailable: {}", exception.getMessage());
        return unavailable("The database is unavailable; try again shortly.", 5);
    }

    /** A lock the request waited for too long, or a deadlock it lost: nothing was changed, and trying again works. */
    @ExceptionHandler(PessimisticLockingFailureException.class)
    ResponseEntity<ProblemDetail> busy(PessimisticLockingFailureException exception) {
        logger.warn("Request gave up on a lock: {}", exception.getMostSpecificCause().getMessage());
        return unavailable("The data is being written; try again shortly.", 1);
    }

    private static ResponseEntity<ProblemDetail> unavailable(String detail, int retryAfterSeconds) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                             .header(HttpHeaders.RETRY_AFTER, String.valueOf(retryAfterSeconds))
                             .body(ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, detail));
    }

    @ExceptionHandler(OptimisticLockingFailureException.class)
    ProblemDetail changedMeanwhile(OptimisticLockingFailureException exception) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT,
                                                "Someone else changed it meanwhile; read it and try again.");
    }

    /**
     * A constraint of the data (a key taken meanwhile) is a conflict, which reading and trying again may settle. A
     * value the database cannot take at all (SQLSTATE class 22: a NUL character, text too long, a number out of range)
     * is the request's fault, which no retry mends.
     */
    @ExceptionHandler(DataIntegrityViolationException.class)
    ProblemDetail conflict(DataIntegrityViolationException exception) {
        Throwable cause = exception.getMostSpecificCause();
        if (cause instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("22")) {
            logger.warn("Request refused by the database as bad data: {}", cause.getMessage());
            return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "The request holds a value the database "
                    + "cannot take (a NUL character, text too long, a number out of range)");
        }
        logger.info("Write refused by a database constraint: {}", cause.getMessage());
        return ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT,
                                                "The change conflicts with the current data; read it and try again.");
    }

    private static ProblemDetail invalid(List<String> errors) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, String.join("; ", errors));
        problem.setTitle("Invalid request");
        problem.setProperty("errors", errors);
        return problem;
    }
}
