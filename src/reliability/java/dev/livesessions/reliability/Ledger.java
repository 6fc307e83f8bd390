package dev.livesessions.reliability;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the senders did and were told: every message id sent, every answer, and which ids were acknowledged (answered
 * 200, which means stored). The checks compare it with the event stream. Thread-safe.
 */
final class Ledger {

    private static final int SERVER_ERROR_SAMPLES = 3;

    private final Map<String, Message> sent = new ConcurrentHashMap<>();
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final Map<Integer, AtomicLong> answersByStatus = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong duplicateAnswers = new AtomicLong();
    /** Ids answered 200 as new (not duplicate) although an earlier 200 had acknowledged them: stored twice. */
    private final Set<String> acceptedTwice = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    /** The first answers with a 5xx status other than 503, status and body, to say what went wrong. */
    private final ConcurrentLinkedQueue<String> serverErrorSamples = new ConcurrentLinkedQueue<>();

    /** A new message is about to be sent: from now on it must end up acknowledged. */
    void sending(Message message) {
        sent.putIfAbsent(message.id(), message);
    }

    void answered(Message message, Sender.Answer answer) {
        sent.putIfAbsent(message.id(), message);
        requests.incrementAndGet();
        long seen = answersByStatus.computeIfAbsent(answer.status(), status -> new AtomicLong()).incrementAndGet();
        if (isServerError(answer.status()) && seen <= SERVER_ERROR_SAMPLES) {
            serverErrorSamples.add(answer.status() + " " + answer.refusal());
        }
        if (answer.acknowledged()) {
            latencies.add(answer.latencyNanos());
            if (answer.duplicate()) {
                duplicateAnswers.incrementAndGet();
            }
            boolean first = acknowledged.add(message.id());
            if (!first && !answer.duplicate()) {
                acceptedTwice.add(message.id());
            }
        }
    }

    boolean isAcknowledged(String messageId) {
        return acknowledged.contains(messageId);
    }

    Collection<Message> sent() {
        return sent.values();
    }

    List<Message> unacknowledged() {
        return sent.values().stream().filter(message -> !acknowledged.contains(message.id())).toList();
    }

    Set<String> acknowledgedIds() {
        return Set.copyOf(acknowledged);
    }

    long requests() {
        return requests.get();
    }

    long duplicateAnswers() {
        return duplicateAnswers.get();
    }

    Set<String> acceptedTwice() {
        return Set.copyOf(acceptedTwice);
    }

    long answers(int status) {
        AtomicLong count = answersByStatus.get(status);
        return count == null ? 0 : count.get();
    }

    /** Answers with a 5xx status other than 503 (the service's "retry later"): errors. */
    long serverErrors() {
        return answersByStatus.entrySet().stream()
                              .filter(entry -> isServerError(entry.getKey()))
                              .mapToLong(entry -> entry.getValue().get()).sum();
    }

    /** The first few of those errors (per status), each with the body the service answered. */
    List<String> serverErrorSamples() {
        return List.copyOf(serverErrorSamples);
    }

    private static boolean isServerError(int status) {
        return status >= 500 && status != 503;
    }

    /** Every status seen and how often, e.g. {@code 200=5120, 503=80, -1=12} (-1: no connection, -2: timeout). */
    String statusCounts() {
        Map<Integer, Long> sorted = new TreeMap<>();
        answersByStatus.forEach((status, count) -> sorted.put(status, count.get()));
        return sorted.toString();
    }

    /** The latencies (nanoseconds) of the 200 answers since the last call. */
    long[] drainLatencies() {
        List<Long> drained = new ArrayList<>();
        for (Long latency = latencies.poll(); latency != null; latency = latencies.poll()) {
            drained.add(latency);
        }
        return drained.stream().mapToLong(Long::longValue).sorted().toArray();
    }
}
