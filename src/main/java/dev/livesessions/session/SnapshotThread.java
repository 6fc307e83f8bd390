package dev.livesessions.session;

import org.springframework.beans.factory.DisposableBean;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one thread that takes the snapshots of live sessions, away from the writers whose commits trigger them.
 * <p>
 * Axon takes a snapshot after the commit of the unit of work that triggered it, on that unit of work's thread unless
 * told otherwise. For a live-signal writer that means after its batch is stored but before the batch's requests are
 * answered and the next batch is taken: on a hot session, every thousandth event held every waiting request while
 * the snapshotter read the last thousand events back and stored the snapshot.
 * <p>
 * The queue is unbounded on purpose: Axon keeps at most one snapshot of a session in progress, so it never holds more
 * tasks than there are sessions, and a refused task would fail the commit phase of the unit of work that scheduled it.
 * Queued snapshots are dropped at shutdown; a snapshot only shortens the next reload.
 */
final class SnapshotThread implements DisposableBean {

    private final ThreadPoolExecutor thread = new ThreadPoolExecutor(
            1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), runnable -> {
                Thread snapshots = new Thread(runnable, "session-snapshots");
                snapshots.setDaemon(true);
                return snapshots;
            });

    Executor executor() {
        return thread;
    }

    @Override
    public void destroy() {
        thread.shutdownNow();
    }
}
