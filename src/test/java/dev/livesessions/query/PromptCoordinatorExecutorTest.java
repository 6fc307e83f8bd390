package dev.livesessions.query;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class PromptCoordinatorExecutorTest {

    private final Counter foundFull = Counter.builder("full").register(new SimpleMeterRegistry());
    private final PromptCoordinatorExecutor coordinator = new PromptCoordinatorExecutor("read-models", foundFull);

    @AfterEach
    void stop() {
        coordinator.shutdownNow();
    }

    @Test
    void theWaitForRoomInFullBuffersIsShortenedAndCounted() {
        ScheduledFuture<?> next = coordinator.schedule(() -> { }, 100, TimeUnit.MILLISECONDS);

        assertThat(next.getDelay(TimeUnit.MILLISECONDS)).isLessThanOrEqualTo(10);
        assertThat(foundFull.count()).isEqualTo(1);
    }

    @Test
    void everyOtherWaitOfTheCoordinatorIsKept() {
        long claims = coordinator.schedule(() -> { }, 5_000, TimeUnit.MILLISECONDS).getDelay(TimeUnit.MILLISECONDS);
        long backOff = coordinator.schedule(() -> { }, 500, TimeUnit.MILLISECONDS).getDelay(TimeUnit.MILLISECONDS);
        long now = coordinator.schedule(() -> { }, 0, TimeUnit.MILLISECONDS).getDelay(TimeUnit.MILLISECONDS);

        // Far above the 10 ms a shortened wait gets, and far enough below the wait asked for to allow a stalled thread.
        assertThat(claims).isGreaterThan(4_000);
        assertThat(backOff).isGreaterThan(250);
        assertThat(now).isLessThanOrEqualTo(0);
        assertThat(foundFull.count()).isZero();
    }

    @Test
    void itsThreadIsNamedAfterTheProcessor() throws Exception {
        String thread = coordinator.submit(() -> Thread.currentThread().getName()).get();

        assertThat(thread).startsWith("Coordinator[read-models]");
    }
}
