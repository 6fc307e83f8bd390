package dev.livesessions.bench;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Runs a {@link LoadPlan} with one thread per sender and records latency in HdrHistogram (microseconds, up to a
 * minute, three significant digits). The same loop drives HTTP (in the load generator) and the in-process write path
 * (in the service), so both are measured the same way.
 * <p>
 * Closed loop: each sender sends its next message when the previous one is answered, the usual way to find the
 * highest rate. Paced: messages are due at a fixed rate, spread evenly over the senders, and latency counts from when
 * a message was due, so that a stall also counts for the messages that waited behind it (no coordinated omission).
 */
final class LoadRunner {

    /** One sender's way of delivering a message; used by one thread only. */
    interface Sender extends AutoCloseable {

        Outcome send(Workload.Message message) throws Exception;

        @Override
        default void close() throws Exception {
        }
    }

    /** How a message was answered: an HTTP status (or 503 for a write path that refused it), and what the answer said. */
    record Outcome(int status, boolean liveSignal, boolean duplicate) {
    }

    private static final long HIGHEST_MICROS = 60_000_000L;

    private LoadRunner() {
    }

    static LoadResult run(LoadPlan plan, Supplier<Sender> senders) throws InterruptedException {
        long start = System.nanoTime() + 50_000_000L; // every thread is ready by then
        long measureFrom = start + seconds(plan.warmupSeconds());
        long end = plan.maxMessages() > 0 ? Long.MAX_VALUE : measureFrom + seconds(plan.durationSeconds());
        AtomicLong sequence = new AtomicLong();
        List<SenderThread> threads = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(plan.senders());
        for (int i = 0; i < plan.senders(); i++) {
            SenderThread thread = new SenderThread(plan, i, senders, sequence, start, measureFrom, end, done);
            threads.add(thread);
            thread.start();
        }
        done.await();
        return summarize(plan, threads, measureFrom);
    }

    private static long seconds(double seconds) {
        return (long) (seconds * 1_000_000_000L);
    }

    private static final class SenderThread extends Thread {

        private final LoadPlan plan;
        private final int index;
        private final Supplier<Sender> senders;
        private final AtomicLong sequence;
        private final long start;
        private final long measureFrom;
        private final long end;
        private final CountDownLatch done;
        private final Random random;
        final Histogram latency = new Histogram(HIGHEST_MICROS, 3);
        final Map<Integer, Histogram> latencyByGroup = new TreeMap<>();
        final Map<String, Long> failures = new TreeMap<>();
        long sent;
        long acknowledged;
        long liveAcknowledged;
        /** The sequence numbers of the messages counted in {@code liveAcknowledged}. */
        final BitSet liveAcknowledgedSequences = new BitSet();
        long duplicates;
        long liveSignalsMissed;
        long lastAnswer;

        SenderThread(LoadPlan plan, int index, Supplier<Sender> senders, AtomicLong sequence, long start,
                     long measureFrom, long end, CountDownLatch done) {
            super("sender-" + index);
            setDaemon(true);
            this.plan = plan;
            this.index = index;
            this.senders = senders;
            this.sequence = sequence;
            this.start = start;
            this.measureFrom = measureFrom;
            this.end = end;
            this.done = done;
            this.random = new Random(plan.runId().hashCode() * 31L + index);
        }

        @Override
        public void run() {
            try (Sender sender = senders.get()) {
                sendAll(sender);
            } catch (Exception e) {
                failures.merge("sender failed: " + e, 1L, Long::sum);
            } finally {
                done.countDown();
            }
        }

        private void sendAll(Sender sender) {
            boolean paced = plan.ratePerSecond() > 0;
            long interval = paced ? (long) (1_000_000_000L / plan.ratePerSecond()) : 0;
            waitUntil(start);
            for (long turn = 0; ; turn++) {
                long due = paced ? start + (turn * plan.senders() + index) * interval : System.nanoTime();
                if (due >= end) {
                    return;
                }
                long number = sequence.getAndIncrement();
                if (plan.maxMessages() > 0 && number >= plan.maxMessages()) {
                    return;
                }
                Workload.Message message = plan.workload().message(plan.runId(), number, random);
                if (paced) {
                    waitUntil(due);
                }
                Outcome outcome;
                try {
                    outcome = sender.send(message);
                } catch (Exception e) {
                    outcome = new Outcome(-1, false, false);
                }
                long answered = System.nanoTime();
                count(number, message, outcome);
                if (outcome.status() == 200 && due >= measureFrom) {
                    long micros = Math.min(HIGHEST_MICROS, Math.max(1, (answered - due) / 1_000));
                    latency.recordValue(micros);
                    if (message.group() >= 0) {
                        latencyByGroup.computeIfAbsent(message.group(), group -> new Histogram(HIGHEST_MICROS, 3))
                                      .recordValue(micros);
                    }
                    lastAnswer = answered;
                }
            }
        }

        private void count(long number, Workload.Message message, Outcome outcome) {
            sent++;
            if (outcome.status() != 200) {
                failures.merge(outcome.status() < 0 ? "io" : Integer.toString(outcome.status()), 1L, Long::sum);
                return;
            }
            acknowledged++;
            if (outcome.duplicate()) {
                duplicates++;
            } else if (outcome.liveSignal()) {
                liveAcknowledged++;
                liveAcknowledgedSequences.set(Math.toIntExact(number));
            } else if (message.liveSignal()) {
                liveSignalsMissed++;
            }
        }

        private static void waitUntil(long due) {
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
        }
    }

    private static LoadResult summarize(LoadPlan plan, List<SenderThread> threads, long measureFrom) {
        Histogram all = new Histogram(HIGHEST_MICROS, 3);
        Map<Integer, Histogram> byGroup = new TreeMap<>();
        Map<String, Long> failures = new TreeMap<>();
        long sent = 0;
        long acknowledged = 0;
        long live = 0;
        BitSet liveSequences = new BitSet();
        long duplicates = 0;
        long missed = 0;
        long lastAnswer = measureFrom;
        for (SenderThread thread : threads) {
            all.add(thread.latency);
            thread.latencyByGroup.forEach((group, histogram) -> byGroup
                    .computeIfAbsent(group, id -> new Histogram(HIGHEST_MICROS, 3)).add(histogram));
            thread.failures.forEach((status, count) -> failures.merge(status, count, Long::sum));
            sent += thread.sent;
            acknowledged += thread.acknowledged;
            live += thread.liveAcknowledged;
            liveSequences.or(thread.liveAcknowledgedSequences);
            duplicates += thread.duplicates;
            missed += thread.liveSignalsMissed;
            lastAnswer = Math.max(lastAnswer, thread.lastAnswer);
        }
        // The measured time runs to the last answer: a closed loop stops sending at the end, a counted run when done.
        double measuredSeconds = Math.max(1e-3, (lastAnswer - measureFrom) / 1e9);
        Map<Integer, LoadResult.Latency> latencyByGroup = new TreeMap<>();
        byGroup.forEach((group, histogram) -> latencyByGroup.put(group, latencyOf(histogram)));
        return new LoadResult(plan.runId(), all.getTotalCount(), measuredSeconds,
                              all.getTotalCount() / measuredSeconds, latencyOf(all), sent, acknowledged, live,
                              LoadResult.encode(liveSequences), duplicates, missed, failures, latencyByGroup);
    }

    static LoadResult.Latency latencyOf(Histogram micros) {
        return new LoadResult.Latency(micros.getTotalCount(), millis(micros.getMean()),
                                      millis(micros.getValueAtPercentile(50)), millis(micros.getValueAtPercentile(90)),
                                      millis(micros.getValueAtPercentile(99)), millis(micros.getValueAtPercentile(99.9)),
                                      millis(micros.getMaxValue()));
    }

    private static double millis(double micros) {
        return Math.round(micros) / 1000.0;
    }
}
