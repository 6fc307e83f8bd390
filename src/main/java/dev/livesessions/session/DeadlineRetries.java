package dev.livesessions.session;

import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.ExecutionOperations;
import com.github.kagkarlsson.scheduler.task.FailureHandler;

import java.time.Duration;

/**
 * When a failed deadline is tried again: 1 s after its first failure, then twice as long after each further one, and
 * never more than 30 s later (ADR 18). Without the cap, a database that came and went for a quarter of an hour would
 * put a closure's next try another quarter of an hour off, after the database was back.
 */
final class DeadlineRetries<T> implements FailureHandler<T> {

    static final Duration FIRST = Duration.ofSeconds(1);
    static final Duration AT_MOST = Duration.ofSeconds(30);

    /** @param failuresBefore the deadline's failures in a row before this one */
    static Duration after(int failuresBefore) {
        long doubled = FIRST.toMillis() << Math.min(failuresBefore, 30);
        return Duration.ofMillis(Math.min(doubled, AT_MOST.toMillis()));
    }

    @Override
    public void onFailure(ExecutionComplete executionComplete, ExecutionOperations<T> executionOperations) {
        executionOperations.reschedule(executionComplete, executionComplete.getTimeDone().plus(
                after(executionComplete.getExecution().consecutiveFailures)));
    }
}
