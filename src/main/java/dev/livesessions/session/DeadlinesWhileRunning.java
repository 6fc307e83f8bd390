package dev.livesessions.session;

import com.github.kagkarlsson.scheduler.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Deadlines run only while every handler of their events is there. When the service stops, Axon detaches its
 * subscribing processors (the one-active-session guard, the archive notices) long before db-scheduler stops, which
 * is last, when its bean is destroyed: a closure run in between would be stored without the guard learning of it, and
 * the tenant could open no session again. This lifecycle stops before Axon: it pauses db-scheduler, so that this
 * node picks no more deadlines and leaves them to the others; a deadline it had picked already fails, and is tried
 * again by the next node to start or by another node ({@link DeadlineRetries}); the stop waits for the deadlines
 * running.
 */
@Component
class DeadlinesWhileRunning implements SmartLifecycle {

    private static final Logger logger = LoggerFactory.getLogger(DeadlinesWhileRunning.class);
    /** Far longer than a deadline runs; db-scheduler would not wait for it longer either (its shutdown-max-wait). */
    private static final Duration RUNNING_AT_MOST = Duration.ofSeconds(30);

    /** Held (shared) by each deadline while it runs, taken whole by the stop. */
    private final ReadWriteLock running = new ReentrantReadWriteLock();
    /** Looked up when needed: the scheduler is built with the deadline task, which needs this. */
    private final ObjectProvider<Scheduler> scheduler;
    private volatile boolean open;

    DeadlinesWhileRunning(ObjectProvider<Scheduler> scheduler) {
        this.scheduler = scheduler;
    }

    /** The service is stopping: the deadline is left for later, where it is run whole. */
    static class StoppingException extends IllegalStateException {

        StoppingException() {
            super("The service is stopping: the deadline runs on the next node to start, or on another one");
        }
    }

    /**
     * Runs the deadline, unless the service is stopping.
     *
     * @throws StoppingException when it is (db-scheduler then tries the deadline again later)
     */
    void run(Runnable deadline) {
        if (!running.readLock().tryLock()) {
            throw new StoppingException();
        }
        try {
            if (!open) {
                throw new StoppingException();
            }
            deadline.run();
        } finally {
            running.readLock().unlock();
        }
    }

    @Override
    public void start() {
        open = true;
        // Started by db-scheduler once the context is ready; this undoes a pause of a stop before.
        scheduler.ifAvailable(Scheduler::resume);
    }

    @Override
    public void stop() {
        scheduler.ifAvailable(Scheduler::pause);
        open = false;
        try {
            if (running.writeLock().tryLock(RUNNING_AT_MOST.toSeconds(), TimeUnit.SECONDS)) {
                running.writeLock().unlock();
            } else {
                logger.warn("A deadline still ran {} after the service began to stop; stopping anyway",
                            RUNNING_AT_MOST);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return open;
    }

    /** After the web server and the live-signal writer have stopped, before Axon does. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 2560;
    }
}
