package dev.livesessions.platform;

import org.axonframework.eventsourcing.eventstore.EventStoreException;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

import static org.assertj.core.api.Assertions.assertThat;

/** What the database's refusal of a write, or its loss, tells the caller. */
class ApiProblemsTest {

    private final ApiProblems problems = new ApiProblems();

    /** SQLSTATE class 22: no retry mends it. */
    @Test
    void aValueTheDatabaseCannotTakeIsTheRequestsFault() {
        DataIntegrityViolationException refused = new DataIntegrityViolationException("INSERT", new PSQLException(
                "ERROR: invalid byte sequence for encoding \"UTF8\": 0x00", PSQLState.DATA_ERROR));

        assertThat(problems.conflict(refused).getStatus()).isEqualTo(400);
    }

    /** A session action that loses the database while it loads or appends the session's events: try again. */
    @Test
    void anEventStoreThatLostTheDatabaseIsUnavailable() {
        EventStoreException lost = new EventStoreException("Failed to read events", new PSQLException(
                "An I/O error occurred while sending to the backend.", PSQLState.CONNECTION_FAILURE));

        assertThat(problems.eventStoreFailed(lost).getStatusCode().value()).isEqualTo(503);
        assertThat(problems.eventStoreFailed(lost).getHeaders().getFirst("Retry-After")).isEqualTo("5");
    }

    /** Anything else the event store throws is a server error, answered as a problem that does not repeat it. */
    @Test
    void anEventStoreThatFailedOtherwiseIsNotCalledUnavailable() {
        EventStoreException failed = new EventStoreException("Failed to read events", new PSQLException(
                "ERROR: permission denied for table domain_event_entry", PSQLState.UNKNOWN_STATE));

        ResponseEntity<ProblemDetail> answer = problems.eventStoreFailed(failed);

        assertThat(answer.getStatusCode().value()).isEqualTo(500);
        assertThat(answer.getBody().getDetail()).isEqualTo("The request failed in the event store.");
    }

    /** SQLSTATE class 23: reading the data again and retrying may settle it. */
    @Test
    void aKeyTakenMeanwhileIsAConflict() {
        DataIntegrityViolationException refused = new DataIntegrityViolationException("INSERT", new PSQLException(
                "ERROR: duplicate key value violates unique constraint", PSQLState.UNIQUE_VIOLATION));

        assertThat(problems.conflict(refused).getStatus()).isEqualTo(409);
    }
}
