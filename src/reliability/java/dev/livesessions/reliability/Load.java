package dev.livesessions.reliability;

import org.assertj.core.api.SoftAssertions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * Senders posting messages to the nodes in rotation, the way a messaging provider does: a message that is not
 * answered 200 (a 503, a refused or reset connection, a timeout) is delivered again a moment later, to the next node,
 * until it is acknowledged. New messages come from a source at a steady total rate; {@link #stopNewMessages()} ends
 * them, and {@link #awaitAllAcknowledged} waits until everything sent is acknowledged.
 */
final class Load implements AutoCloseable {

    /** The nodes a round-robin load balancer sends to; a killed node is taken out and put back once ready. */
    static final class Rotation {

        private final List<ServiceNode> nodes = new CopyOnWriteArrayList<>();
        private final AtomicInteger next = new AtomicInteger();

        Rotation(Collection<ServiceNode> nodes) {
            this.nodes.addAll(nodes);
        }

        void remove(ServiceNode node) {
            nodes.remove(node);
        }

        void add(ServiceNode node) {
            if (!nodes.contains(node)) {
                nodes.add(node);
            }
        }

        /** @return the next node in turn, or null when none is in rotation */
        ServiceNode next() {
            List<ServiceNode> current = List.copyOf(nodes);
            return current.isEmpty() ? null : current.get(Math.floorMod(next.getAndIncrement(), current.size()));
        }
    }

    private record Redelivery(Message message, long notBeforeNanos) {
    }

    private final Sender sender;
    private final Ledger ledger;
    private final Rotation rotation;
    private final int threads;
    private final LongFunction<Message> source;
    private final AtomicLong sequence = new AtomicLong();
    private final ConcurrentLinkedQueue<Redelivery> redeliveries = new ConcurrentLinkedQueue<>();
    private final ExecutorService pool;
    private final List<Future<?>> running = new ArrayList<>();
    private volatile double ratePerSecond;
    private volatile boolean newMessages = true;
    private volatile boolean stopped;

    /**
     * @param ratePerSecond new messages per second, all senders together (0: as fast as they can)
     * @param source        the n-th new message (n from 0)
     */
    Load(Sender sender, Ledger ledger, Rotation rotation, int threads, double ratePerSecond,
         LongFunction<Message> source) {
        this.sender = sender;
        this.ledger = ledger;
        this.rotation = rotation;
        this.threads = threads;
        this.ratePerSecond = ratePerSecond;
        this.source = source;
        this.pool = Executors.newFixedThreadPool(threads);
    }

    Load start() {
        for (int i = 0; i < threads; i++) {
            running.add(pool.submit(this::send));
        }
        return this;
    }

    void changeRate(double ratePerSecond) {
        this.ratePerSecond = ratePerSecond;
    }

    long newMessagesSent() {
        return sequence.get();
    }

    void stopNewMessages() {
        newMessages = false;
    }

    /**
     * Waits until every message sent so far is acknowledged (the senders keep redelivering meanwhile), or until no
     * message has been acknowledged for {@code stall}: a backlog on a busy machine takes its time, a stuck service
     * makes no progress.
     */
    boolean awaitAllAcknowledged(Duration stall) {
        long lastProgress = System.nanoTime();
        int left = Integer.MAX_VALUE;
        while (System.nanoTime() - lastProgress < stall.toNanos()) {
            int now = ledger.unacknowledged().size();
            if (redeliveries.isEmpty() && now == 0) {
                return true;
            }
            if (now < left) {
                left = now;
                lastProgress = System.nanoTime();
            }
            ServiceNode.sleep(Duration.ofMillis(500));
        }
        return false;
    }

    private void send() {
        long nextSlot = System.nanoTime();
        while (!stopped) {
            Message message = dueRedelivery();
            if (message == null && newMessages) {
                if (ratePerSecond > 0) {
                    long wait = nextSlot - System.nanoTime();
                    if (wait > 0) {
                        ServiceNode.sleep(Duration.ofNanos(Math.min(wait, 50_000_000)));
                        continue;
                    }
                    nextSlot = Math.max(nextSlot, System.nanoTime() - 1_000_000_000L)
                               + (long) (threads * 1_000_000_000L / ratePerSecond);
                }
                message = source.apply(sequence.getAndIncrement());
                if (message != null) {
                    ledger.sending(message);
                }
            }
            if (message == null) {
                ServiceNode.sleep(Duration.ofMillis(20));
                continue;
            }
            deliverOnce(message);
        }
    }

    private Message dueRedelivery() {
        Redelivery first = redeliveries.peek();
        if (first != null && first.notBeforeNanos() <= System.nanoTime() && redeliveries.remove(first)) {
            return first.message();
        }
        return null;
    }

    private void deliverOnce(Message message) {
        ServiceNode node = rotation.next();
        if (node == null) {
            redeliveries.add(new Redelivery(message, System.nanoTime() + 200_000_000L));
            return;
        }
        Sender.Answer answer = sender.deliver(node, message);
        ledger.answered(message, answer);
        if (!answer.acknowledged()) {
            // As a provider does: again a moment later (503 answers say when; half a second is within it).
            long backoff = answer.status() == 503 ? 500_000_000L : 200_000_000L;
            redeliveries.add(new Redelivery(message, System.nanoTime() + backoff));
        }
    }

    @Override
    public void close() {
        stopped = true;
        pool.shutdownNow();
    }

    /** How the end of a load went: see {@link #finishAndDeliverEverythingAgain()}. */
    record Ending(boolean drained, List<Message> neverAcknowledged, List<Message> notAcknowledgedAgain,
                  int deliveredAgain) {

        void check(SoftAssertions softly) {
            softly.assertThat(drained).as("the senders' redeliveries were all acknowledged").isTrue();
            softly.assertThat(neverAcknowledged).as("messages never acknowledged").isEmpty();
            softly.assertThat(notAcknowledgedAgain).as("messages not acknowledged on the final redelivery").isEmpty();
        }
    }

    /**
     * Ends the load as a provider would: no new messages, the senders' pending redeliveries acknowledged, what is
     * still unacknowledged delivered until it is, then every message sent delivered once more.
     */
    Ending finishAndDeliverEverythingAgain() {
        stopNewMessages();
        boolean drained = awaitAllAcknowledged(Duration.ofSeconds(90));
        close();
        List<Message> neverAcknowledged = deliverUntilAcknowledged(sender, ledger, rotation, ledger.unacknowledged(),
                                                                   Duration.ofSeconds(60));
        List<Message> everything = List.copyOf(ledger.sent());
        List<Message> notAcknowledgedAgain = deliverUntilAcknowledged(sender, ledger, rotation, everything,
                                                                      Duration.ofMinutes(5));
        return new Ending(drained, neverAcknowledged, notAcknowledgedAgain, everything.size());
    }

    /**
     * Delivers each message until it is acknowledged, with a few senders of its own: the final redelivery of
     * everything "once more, as providers do", and the draining of what is still unacknowledged.
     *
     * @return the messages still not acknowledged when patience ran out (none, normally)
     */
    static List<Message> deliverUntilAcknowledged(Sender sender, Ledger ledger, Rotation rotation,
                                                  Collection<Message> messages, Duration patience) {
        ExecutorService deliverers = Executors.newFixedThreadPool(8);
        long giveUpAt = System.nanoTime() + patience.toNanos();
        try {
            List<Future<Message>> outcomes = new ArrayList<>();
            for (Message message : messages) {
                outcomes.add(deliverers.submit(() -> {
                    while (System.nanoTime() < giveUpAt) {
                        ServiceNode node = rotation.next();
                        Sender.Answer answer = node == null ? null : sender.deliver(node, message);
                        if (answer != null) {
                            ledger.answered(message, answer);
                            if (answer.acknowledged()) {
                                return null;
                            }
                        }
                        ServiceNode.sleep(Duration.ofMillis(300));
                    }
                    return message;
                }));
            }
            List<Message> notAcknowledged = new ArrayList<>();
            for (Future<Message> outcome : outcomes) {
                Message left = outcome.get();
                if (left != null) {
                    notAcknowledged.add(left);
                }
            }
            return notAcknowledged;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            deliverers.shutdownNow();
        }
    }
}
