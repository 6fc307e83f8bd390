package dev.livesessions.bench;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Base64;
import java.util.BitSet;
import java.util.Map;

/**
 * What a load run measured. Throughput and latency cover the measured part only; the counts cover every message
 * sent (warm-up included), so that they can be checked against what the database holds.
 *
 * @param measuredMessages  answered messages in the measured part
 * @param messagesPerSecond measured messages per second
 * @param latency           of the measured messages, in milliseconds
 * @param sent              every message sent
 * @param acknowledged      answered 200
 * @param liveAcknowledged  answered 200 as a stored live signal (not a duplicate): each must be stored exactly once
 * @param liveAcknowledgedSequences which ones, by their sequence numbers in the run (the end of their message ids),
 *                          as a {@link BitSet} in Base64 (see {@link #acknowledgedLiveSignals()})
 * @param duplicates        answered 200 as a redelivery
 * @param liveSignalsMissed live signals (a seller's message, a client's code) answered 200 as not being one: the
 *                          service dropped them, a lost message as much as one acknowledged and not stored
 * @param failures          the others, by status ("503", "io" for a connection failure)
 * @param latencyByGroup    per group of tenants, for {@link Workload.Shape#GROUPS}; empty for the other shapes
 */
public record LoadResult(String runId, long measuredMessages, double measuredSeconds, double messagesPerSecond,
                         Latency latency, long sent, long acknowledged, long liveAcknowledged,
                         @JsonInclude(JsonInclude.Include.NON_NULL) String liveAcknowledgedSequences, long duplicates,
                         long liveSignalsMissed, Map<String, Long> failures, Map<Integer, Latency> latencyByGroup) {

    /** A latency distribution, in milliseconds. */
    public record Latency(long count, double mean, double p50, double p90, double p99, double p999, double max) {
    }

    /** A set of sequence numbers as {@code liveAcknowledgedSequences} holds it. */
    static String encode(BitSet sequences) {
        return Base64.getEncoder().encodeToString(sequences.toByteArray());
    }

    /** The sequence numbers of the messages answered 200 as a stored live signal. */
    BitSet acknowledgedLiveSignals() {
        return BitSet.valueOf(Base64.getDecoder().decode(liveAcknowledgedSequences));
    }

    /** The same without {@code liveAcknowledgedSequences}, once they are checked: they are no figure to report. */
    LoadResult withoutAcknowledgedSequences() {
        return new LoadResult(runId, measuredMessages, measuredSeconds, messagesPerSecond, latency, sent, acknowledged,
                              liveAcknowledged, null, duplicates, liveSignalsMissed, failures, latencyByGroup);
    }

    long failed() {
        return failures.values().stream().mapToLong(Long::longValue).sum();
    }
}
