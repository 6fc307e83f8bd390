package dev.livesessions.query;

import io.micrometer.core.instrument.Counter;
import org.axonframework.common.AxonThreadFactory;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The coordinator thread of a pooled streaming processor, which looks again for room in the work packages' buffers
 * 10 ms after finding them full, instead of Axon's 100 ms (ADR 22).
 * <p>
 * Axon's coordinator reads the stream and puts every event into every work package's buffer, 1 024 entries each.
 * When a buffer is full it runs again after a fixed 100 ms, which Axon offers no setting for. A work package with
 * large batches empties its buffer in much less than that and then has nothing to do: in a replay, the read models
 * were rebuilt at half the speed. Only that delay is shortened. The coordinator's other delays (claims, the back-off
 * after an error, the wait for new events) stay Axon's.
 */
final class PromptCoordinatorExecutor extends ScheduledThreadPoolExecutor {

    /** What Axon 4's coordinator waits, and only then, when a work package's buffer is full. */
    private static final Duration AXON_WAIT_WHEN_FULL = Duration.ofMillis(100);
    private static final Duration WAIT_WHEN_FULL = Duration.ofMillis(10);

    private final Counter foundFull;

    PromptCoordinatorExecutor(String processorName, Counter foundFull) {
        super(1, new AxonThreadFactory("Coordinator[" + processorName + "]"));
        this.foundFull = foundFull;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        if (unit.toNanos(delay) == AXON_WAIT_WHEN_FULL.toNanos()) {
            foundFull.increment();
            return super.schedule(command, WAIT_WHEN_FULL.toNanos(), TimeUnit.NANOSECONDS);
        }
        return super.schedule(command, delay, unit);
    }
}
