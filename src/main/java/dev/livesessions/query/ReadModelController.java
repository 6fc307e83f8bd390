package dev.livesessions.query;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import java.util.List;

/**
 * Rebuilding and checking the read models. A replay runs in the background and the API keeps answering meanwhile
 * (from read models being rebuilt); its progress says how far it is.
 */
@RestController
class ReadModelController {

    /** What a retry of the parked events did. */
    record Retried(int retried, long remaining) {
    }

    private static final int MOST_PARKED_LISTED = 10_000;

    private final ReadModelMaintenance maintenance;

    ReadModelController(ReadModelMaintenance maintenance) {
        this.maintenance = maintenance;
    }

    @PostMapping("/api/replays")
    @ResponseStatus(HttpStatus.ACCEPTED)
    ReadModelMaintenance.Progress replay() {
        return maintenance.replay();
    }

    @ExceptionHandler(ReadModelMaintenance.NotNowException.class)
    ProblemDetail notNow(ReadModelMaintenance.NotNowException refused) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, refused.getMessage());
        problem.setTitle(refused.title());
        return problem;
    }

    @GetMapping("/api/replays/progress")
    ReadModelMaintenance.Progress progress() {
        return maintenance.progress();
    }

    @PostMapping("/api/replays/verification")
    ReadModelMaintenance.Verification verify() {
        return maintenance.verify();
    }

    /** At most {@code limit} parked events (1 000 by default, 10 000 at most): the retry's answer counts them all. */
    @GetMapping("/api/dead-letters")
    List<ReadModelMaintenance.ParkedEvent> deadLetters(@RequestParam(defaultValue = "1000") int limit) {
        if (limit < 1 || limit > MOST_PARKED_LISTED) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
                                              "'limit' must be from 1 to " + MOST_PARKED_LISTED);
        }
        return maintenance.deadLetters(limit);
    }

    @PostMapping("/api/dead-letters/retry")
    Retried retryDeadLetters() {
        int retried = maintenance.retryDeadLetters();
        return new Retried(retried, maintenance.deadLetterCount());
    }
}
