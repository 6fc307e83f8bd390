package dev.livesessions.platform;

import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;
import org.springframework.dao.DataIntegrityViolationException;

import static org.assertj.core.api.Assertions.assertThat;

/** What the database's refusal of a write tells the caller. */
class ApiProblemsTest {

    private final ApiProblems problems = new ApiProblems();

    /** SQLSTATE class 22: no retry mends it. */
    @Test
    void aValueTheDatabaseCannotTakeIsTheRequestsFault() {
        DataIntegrityViolationException refused = new DataIntegrityViolationException("INSERT", new PSQLException(
                "ERROR: invalid byte sequence for encoding \"UTF8\": 0x00", PSQLState.DATA_ERROR));

        assertThat(problems.conflict(refused).getStatus()).isEqualTo(400);
    }

    /** SQLSTATE class 23: reading the data again and retrying may settle it. */
    @Test
    void aKeyTakenMeanwhileIsAConflict() {
        DataIntegrityViolationException refused = new DataIntegrityViolationException("INSERT", new PSQLException(
                "ERROR: duplicate key value violates unique constraint", PSQLState.UNIQUE_VIOLATION));

        assertThat(problems.conflict(refused).getStatus()).isEqualTo(409);
    }
}
