package dev.livesessions.ingestion;

import dev.livesessions.DatabaseFailures;
import dev.livesessions.LiveSessionsProperties;
import dev.livesessions.api.LiveSignal;
import dev.livesessions.api.SessionTerms;
import dev.livesessions.ingestion.InboundMessageLog.MessageKey;
import dev.livesessions.session.LiveSignalRouter;
import dev.livesessions.session.LiveSignalRouter.TenantSignals;
import dev.livesessions.tenant.TenantSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.common.transaction.Transaction;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.messaging.ResultMessage;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Collectors;

/**
 * The write path of live signals, built for the hot live: hundreds of clients posting codes into one session within
 * the same second.
 * <p>
 * Signals wait in one queue per writer thread (a tenant always maps to the same writer). A writer takes everything
 * waiting, up to a batch size, and stores it in <em>one</em> transaction: the dedupe claims, one command per tenant
 * (nested units of work) and all their events commit together, with one WAL flush. A request is answered only after
 * that commit, so an acknowledged signal is durable. Under load batches grow by themselves; at rest a batch is one
 * signal and nothing waits.
 * <p>
 * When a batch fails it rolls back whole; each tenant's signals are then retried on their own, so that one tenant's
 * trouble (or a lost race with another node, or a row another transaction holds for longer than the lock timeout,
 * ADR 40) does not fail the others. A tenant whose signals fail on their own too, while the others' are stored, is
 * written apart from then on, once a batch, until a write of its commits: a tenant that keeps failing (an event its
 * session cannot take) would otherwise roll back every batch it shares, and turn each into a transaction per tenant.
 */
@Component
class LiveSignalRecorder implements SmartLifecycle {

    private static final Logger logger = LoggerFactory.getLogger(LiveSignalRecorder.class);
    private static final int QUEUE_CAPACITY = 20_000;
    /** Batches rolled back: a lost race with another node on a session, or a failure of the database. */
    static final String ROLLED_BACK = "live_sessions.writer.rolled_back";
    /** Live signals waiting in the write queues. */
    static final String QUEUED = "live_sessions.writer.queued";

    /** Where a live signal went. */
    record Recording(String sessionId, boolean openedSession, boolean duplicate) {

        static final Recording DUPLICATE = new Recording(null, false, true);
    }

    private record Pending(TenantSettings tenant, LiveSignal signal, CompletableFuture<Recording> result) {

        MessageKey key() {
            return new MessageKey(tenant.tenantId(), signal.messageId());
        }
    }

    private final InboundMessageLog inboundMessages;
    private final LiveSignalRouter router;
    private final JdbcTemplate jdbc;
    private final TransactionManager transactionManager;
    private final LiveSessionsProperties.Recorder settings;
    private final Counter rolledBack;
    private final List<BlockingQueue<Pending>> queues = new CopyOnWriteArrayList<>();
    private final List<Thread> writers = new ArrayList<>();
    private final ReadWriteLock acceptance = new ReentrantReadWriteLock();
    /** Tenants whose signals failed on their own: written apart from the others until a write of theirs commits. */
    private final Set<String> failingTenants = ConcurrentHashMap.newKeySet();
    private volatile boolean running;
    /** The Error that stopped the write path, or null. */
    private volatile Error stoppedBy;
    /** When each writer began the batch it is writing ({@link System#nanoTime()}), while it writes one. */
    private final Map<Thread, Long> writingSince = new ConcurrentHashMap<>();

    LiveSignalRecorder(InboundMessageLog inboundMessages, LiveSignalRouter router, JdbcTemplate jdbc,
                       TransactionManager transactionManager, LiveSessionsProperties properties,
                       MeterRegistry meters) {
        this.inboundMessages = inboundMessages;
        this.router = router;
        this.jdbc = jdbc;
        this.transactionManager = transactionManager;
        this.settings = properties.recorder();
        this.rolledBack = Counter.builder(ROLLED_BACK)
                                 .description("Writes of live signals rolled back: batches, and tries tenant by tenant")
                                 .register(meters);
        Gauge.builder(QUEUED, queues, all -> all.stream().mapToInt(BlockingQueue::size).sum())
             .description("Live signals waiting in the write queues for their batch")
             .register(meters);
    }

    /** A live signal and its tenant, as handed to the recorder. */
    record TenantSignal(TenantSettings tenant, LiveSignal signal) {
    }

    /**
     * Stores the signals, waiting for the commits of the batches that carry them: when this returns, they are
     * durable. Signals handed over together may share a batch.
     *
     * @return where each signal went, in the order given
     * @throws SignalsNotRecordedException when a signal could not be stored, or not within the time a webhook waits
     */
    List<Recording> record(List<TenantSignal> signals) {
        if (signals.isEmpty()) {
            // Nothing to store: a notification of chat or statuses is answered even while the service stops.
            return List.of();
        }
        List<Pending> pendings = signals.stream()
                                        .map(s -> new Pending(s.tenant(), s.signal(), new CompletableFuture<>()))
                                        .toList();
        acceptance.readLock().lock();
        try {
            if (!running) {
                throw new SignalsNotRecordedException("the service is stopping");
            }
            if (stoppedBy != null) {
                throw new SignalsNotRecordedException("the write path stopped on an error; restart the service");
            }
            for (Pending pending : pendings) {
                if (!queues.get(Math.floorMod(pending.tenant().tenantId().hashCode(), queues.size())).offer(pending)) {
                    pending.result().completeExceptionally(
                            new SignalsNotRecordedException("the write queue is full"));
                }
            }
        } finally {
            acceptance.readLock().unlock();
        }
        long deadline = System.nanoTime() + settings.answerWithin().toNanos();
        List<Recording> recordings = new ArrayList<>(pendings.size());
        for (Pending pending : pendings) {
            recordings.add(awaitCommit(pending, deadline));
        }
        return recordings;
    }

    /**
     * A request is not kept waiting on a writer that cannot commit (a lock held by someone else, a stalled database):
     * past the deadline it is answered 503. Its batch may still commit later; the provider's redelivery is then a
     * duplicate, so nothing is lost or counted twice either way.
     */
    private Recording awaitCommit(Pending pending, long deadline) {
        try {
            return pending.result().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw (SignalsNotRecordedException) e.getCause();
        } catch (TimeoutException e) {
            logger.warn("A live signal of tenant {} waited {} for its batch to commit; answered 503",
                        pending.tenant().tenantId(), settings.answerWithin());
            throw new SignalsNotRecordedException("its batch did not commit in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SignalsNotRecordedException("the request was interrupted");
        }
    }

    @Override
    public void start() {
        for (int i = 0; i < settings.writers(); i++) {
            BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
            Thread writer = new Thread(() -> runWriter(queue), "live-signal-writer-" + i);
            queues.add(queue);
            writers.add(writer);
        }
        running = true;
        writers.forEach(Thread::start);
    }

    /** Stops taking signals, and stores every signal already taken before returning. */
    @Override
    public void stop() {
        acceptance.writeLock().lock();
        try {
            running = false;
        } finally {
            acceptance.writeLock().unlock();
        }
        for (Thread writer : writers) {
            try {
                writer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        writers.clear();
        queues.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** @return the Error that stopped the write path (see {@link #runWriter}), if one did */
    Optional<Error> stoppedBy() {
        return Optional.ofNullable(stoppedBy);
    }

    /** @return how long the writer that began its batch first has been writing it, if a writer is writing one */
    Optional<Duration> longestBatchUnderWay() {
        long now = System.nanoTime();
        OptionalLong longest = writingSince.values().stream().mapToLong(since -> now - since).max();
        return longest.isPresent() ? Optional.of(Duration.ofNanos(longest.getAsLong())) : Optional.empty();
    }

    /**
     * Starts before the web server takes requests, so that none is answered as if the service were stopping; stops
     * once it has stopped taking them, and before Axon and the database go.
     */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 2304;
    }

    /**
     * Takes and writes batches until the recorder stops and its queue is empty. Stopping is said by {@code running},
     * never by an interrupt: the one thing that interrupts a writer is Axon's timeout of a unit of work that ran too
     * long (ADR 24), and a writer that ended then would leave every signal of its tenants unanswered.
     * <p>
     * An {@link Error} (out of memory, say) is another matter: what this node keeps in memory of its sessions may
     * then hold changes that were never stored. The write path stops: the batch and every signal waiting are answered
     * 503, and so is every later one, until the service is restarted; its health says so.
     */
    private void runWriter(BlockingQueue<Pending> queue) {
        List<Pending> batch = new ArrayList<>(settings.maxBatchSize());
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, settings.maxBatchSize() - 1);
                writingSince.put(Thread.currentThread(), System.nanoTime());
                try {
                    write(batch);
                } finally {
                    writingSince.remove(Thread.currentThread());
                }
            } catch (InterruptedException e) {
                carryOnAfterAnInterrupt();
            } catch (RuntimeException e) {
                logger.error("Live signal writer failed on a batch of {}", batch.size(), e);
                failAll(batch, e);
            } catch (Error e) {
                stopTheWritePath(e, batch);
                return;
            }
            batch.clear();
        }
    }

    private void stopTheWritePath(Error error, List<Pending> batch) {
        acceptance.writeLock().lock();
        try {
            stoppedBy = error;
        } finally {
            acceptance.writeLock().unlock();
        }
        logger.error("Live signal writer stopped by an error: live signals are answered 503 until the service is "
                     + "restarted", error);
        SignalsNotRecordedException notRecorded = new SignalsNotRecordedException(error);
        batch.forEach(pending -> pending.result().completeExceptionally(notRecorded));
        queues.forEach(queue -> {
            for (Pending waiting; (waiting = queue.poll()) != null; ) {
                waiting.result().completeExceptionally(notRecorded);
            }
        });
    }

    private void write(List<Pending> batch) {
        if (failingTenants.isEmpty()) {
            writeTogether(batch);
            return;
        }
        Map<Boolean, List<Pending>> failing = batch.stream().collect(Collectors.partitioningBy(
                pending -> failingTenants.contains(pending.tenant().tenantId())));
        Throwable unreachable = failing.get(false).isEmpty() ? null : writeTogether(failing.get(false));
        // Their signals failed every attempt last time: one more now, and the provider's redelivery is the next.
        List<Pending> untried = new ArrayList<>();
        for (List<Pending> signalsOfTenant : byTenant(failing.get(true)).values()) {
            if (unreachable != null) {
                untried.addAll(signalsOfTenant);
                continue;
            }
            Throwable last = writeApart(signalsOfTenant, 1);
            if (last == null) {
                failingTenants.remove(signalsOfTenant.get(0).tenant().tenantId());
            } else if (DatabaseFailures.unreachable(last)) {
                unreachable = last;
            }
        }
        failUntried(untried, unreachable);
    }

    /**
     * Writes the batch in one transaction, or else each tenant's signals in transactions of their own. A tenant whose
     * signals fail on their own while other tenants' are stored is marked as failing; when none is stored, the
     * trouble is not the tenants' (the database refuses every write) and none is marked.
     *
     * @return the failure, when the database could not be reached, at first or while the tenants were written apart;
     *         null otherwise (the senders are answered either way)
     */
    private Throwable writeTogether(List<Pending> batch) {
        Throwable failure = writeInOneTransaction(batch);
        if (failure == null) {
            return null;
        }
        if (DatabaseFailures.unreachable(failure)) {
            // Retrying now would only make the senders wait longer for the same 503.
            logger.warn("Could not store {} live signal(s): the database is unreachable", batch.size());
            failAll(batch, failure);
            return failure;
        }
        Map<String, List<Pending>> tenants = byTenant(batch);
        if (settings.attempts() == 1) {
            logger.error("Could not store {} live signal(s) of tenants {}", batch.size(), tenants.keySet(), failure);
            failAll(batch, failure);
            return null;
        }
        List<String> failedOnTheirOwn = new ArrayList<>();
        boolean anyStored = false;
        Throwable unreachable = null;
        List<Pending> untried = new ArrayList<>();
        for (List<Pending> signalsOfTenant : tenants.values()) {
            if (unreachable != null) {
                // The database went away while the batch was retried: the next tenants would only wait for it too.
                untried.addAll(signalsOfTenant);
                continue;
            }
            Throwable last = writeApart(signalsOfTenant, settings.attempts() - 1);
            if (last == null) {
                anyStored = true;
            } else if (DatabaseFailures.unreachable(last)) {
                unreachable = last;
            } else {
                failedOnTheirOwn.add(signalsOfTenant.get(0).tenant().tenantId());
            }
        }
        failUntried(untried, unreachable);
        if (anyStored) {
            failedOnTheirOwn.stream().filter(failingTenants::add).forEach(tenantId -> logger.warn(
                    "Live signals of tenant {} fail on their own while other tenants' are stored; they are written "
                    + "apart from the others until a write of theirs commits", tenantId));
        }
        return unreachable;
    }

    /**
     * Writes one tenant's signals in transactions of their own, trying up to {@code attempts} times, or until the
     * database is unreachable.
     *
     * @return null when they were stored, else why not (their senders are then answered that they were not)
     */
    private Throwable writeApart(List<Pending> signalsOfTenant, int attempts) {
        Throwable last = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            last = writeInOneTransaction(signalsOfTenant);
            if (last == null) {
                return null;
            }
            if (DatabaseFailures.unreachable(last)) {
                logger.warn("Could not store {} live signal(s) of tenant {}: the database is unreachable",
                            signalsOfTenant.size(), signalsOfTenant.get(0).tenant().tenantId());
                failAll(signalsOfTenant, last);
                return last;
            }
        }
        logger.error("Could not store {} live signal(s) of tenant {}", signalsOfTenant.size(),
                     signalsOfTenant.get(0).tenant().tenantId(), last);
        failAll(signalsOfTenant, last);
        return last;
    }

    /** Answers the signals not tried once the database was found unreachable: each try would wait for a connection. */
    private static void failUntried(List<Pending> untried, Throwable unreachable) {
        if (!untried.isEmpty()) {
            logger.warn("Could not store {} more live signal(s): the database is unreachable", untried.size());
            failAll(untried, unreachable);
        }
    }

    private static void failAll(List<Pending> pendings, Throwable failure) {
        SignalsNotRecordedException notRecorded = new SignalsNotRecordedException(failure);
        pendings.forEach(pending -> pending.result().completeExceptionally(notRecorded));
    }

    private static void carryOnAfterAnInterrupt() {
        logger.warn("Live signal writer interrupted (a unit of work over its time limit?); it carries on");
    }

    /** @return null when the batch committed (and its requests are answered), or why it rolled back */
    private Throwable writeInOneTransaction(List<Pending> batch) {
        if (Thread.interrupted()) {
            // Left by Axon's time limit on an earlier unit of work; this transaction would fail on it at once.
            carryOnAfterAnInterrupt();
        }
        UnitOfWork<?> unitOfWork = DefaultUnitOfWork.startAndGet(null);
        Transaction transaction;
        try {
            transaction = transactionManager.startTransaction();
        } catch (RuntimeException noTransaction) {
            // No connection to begin with: nothing was written, and the write failed as one rolled back does.
            rolledBack.increment();
            unitOfWork.rollback(noTransaction);
            return noTransaction;
        }
        unitOfWork.onCommit(committing -> transaction.commit());
        unitOfWork.onRollback(rollingBack -> transaction.rollback());
        ResultMessage<List<Recording>> result;
        try {
            result = unitOfWork.executeWithResult(() -> recordAll(batch));
        } catch (Error error) {
            // Axon rolls back on exceptions only: after an Error while committing, the transaction would stay open
            // on this thread, for the next batch to join. Nothing of it is kept (a no-op once it has committed).
            transaction.rollback();
            throw error;
        }
        if (result.isExceptional()) {
            rolledBack.increment();
            logger.debug("A batch of {} live signal(s) rolled back", batch.size(), result.exceptionResult());
            return result.exceptionResult();
        }
        List<Recording> recordings = result.getPayload();
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).result().complete(recordings.get(i));
        }
        return null;
    }

    /** Runs inside the batch's unit of work. @return a recording for each pending signal, in the batch's order */
    private List<Recording> recordAll(List<Pending> batch) {
        // A row another node's transaction holds is waited for a while, not for as long as that transaction lasts (a
        // node that stalls holding it would hold up every tenant of this writer): past the timeout the write fails,
        // and its tenants are retried apart, like those of any failed write.
        jdbc.queryForObject("SELECT set_config('lock_timeout', ?, true)", String.class,
                            settings.lockTimeout().toMillis() + "ms");
        Set<MessageKey> claimed = inboundMessages.claim(batch.stream().map(Pending::key).toList());
        Map<String, List<Pending>> newSignalsByTenant = new LinkedHashMap<>();
        for (Pending pending : batch) {
            // remove(): a message sent twice in the same batch is new only the first time
            if (claimed.remove(pending.key())) {
                newSignalsByTenant.computeIfAbsent(pending.tenant().tenantId(), tenant -> new ArrayList<>())
                                  .add(pending);
            }
        }
        List<TenantSignals> tenants = new ArrayList<>(newSignalsByTenant.size());
        newSignalsByTenant.forEach((tenantId, pendings) -> {
            TenantSettings tenant = pendings.get(0).tenant();
            tenants.add(new TenantSignals(tenantId, new SessionTerms(tenant.inactivityWindow(),
                                                                     tenant.autoCleanupByDefault(),
                                                                     tenant.maxLifespan()),
                                          pendings.stream().map(Pending::signal).toList()));
        });
        Map<MessageKey, Recording> recordings = new HashMap<>();
        router.route(tenants).forEach((tenantId, recorded) -> recorded.forEach(
                signal -> recordings.put(new MessageKey(tenantId, signal.messageId()),
                                         new Recording(signal.sessionId(), signal.openedSession(), false))));
        List<Recording> inBatchOrder = new ArrayList<>(batch.size());
        for (Pending pending : batch) {
            Recording recording = recordings.remove(pending.key());
            inBatchOrder.add(recording != null ? recording : Recording.DUPLICATE);
        }
        return inBatchOrder;
    }

    private static Map<String, List<Pending>> byTenant(List<Pending> batch) {
        return batch.stream().collect(Collectors.groupingBy(pending -> pending.tenant().tenantId(),
                                                            LinkedHashMap::new, Collectors.toList()));
    }
}
