package dev.livesessions.session;

import com.github.kagkarlsson.scheduler.Scheduler;
import dev.livesessions.session.DeadlinesWhileRunning.StoppingException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class DeadlinesWhileRunningTest {

    /** Without a scheduler to pause: the deadlines' gate alone. */
    private final DeadlinesWhileRunning deadlines = new DeadlinesWhileRunning(new StaticListableBeanFactory()
            .getBeanProvider(Scheduler.class));

    @Test
    void aDeadlineRunsWhileTheServiceRunsAndIsLeftForLaterOnceItStops() {
        AtomicBoolean ran = new AtomicBoolean();
        deadlines.start();
        deadlines.run(() -> ran.set(true));
        assertThat(ran).isTrue();

        deadlines.stop();

        assertThatThrownBy(() -> deadlines.run(() -> { })).isInstanceOf(StoppingException.class);
    }

    @Test
    void theStopWaitsForTheDeadlinesRunning() throws Exception {
        deadlines.start();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        CompletableFuture<Void> deadline = CompletableFuture.runAsync(() -> deadlines.run(() -> {
            started.countDown();
            try {
                finish.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

        CountDownLatch stopping = new CountDownLatch(1);
        CompletableFuture<Void> stop = CompletableFuture.runAsync(() -> {
            stopping.countDown();
            deadlines.stop();
        });
        assertThat(stopping.await(5, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(300);
        assertThat(stop).isNotDone();
        finish.countDown();

        stop.get(5, TimeUnit.SECONDS);
        deadline.get(5, TimeUnit.SECONDS);
    }
}
