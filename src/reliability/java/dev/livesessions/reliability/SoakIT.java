package dev.livesessions.reliability;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Scenario 6. The service's capacity is measured (as fast as 32 senders go), then it runs at half of it for the
 * soak's duration (30 minutes in long mode; a short taste in short mode, whose figures mean little). Heap, latency
 * and the sizes of the dedupe table ({@code inbound_message}) and the deadline table ({@code scheduled_tasks}) are
 * sampled; in long mode they must stay flat. Sessions keep opening, closing and, in long mode (archive delay set to 2
 * minutes, which the short soak does not last), being archived, so the deadline table sees every kind of deadline come
 * and go.
 */
class SoakIT extends ReliabilityScenario {

    private static final Duration WINDOW = Duration.ofSeconds(5);
    private static final Duration TURN = Duration.ofSeconds(8);
    private static final int TENANTS = 50;
    private static final double MEGABYTE = 1024 * 1024;

    private record Sample(Duration at, double heapMb, double oldGenMb, double p50Ms, double p99Ms, long acknowledged,
                          long dedupeRows, long deadlineRows, long activeSessions) {

        @Override
        public String toString() {
            return String.format("heap %.0f MB, old generation %.0f MB, p50 %.1f ms, p99 %.1f ms, %d acknowledged,"
                                 + " dedupe rows %d, deadline rows %d, active sessions %d", heapMb, oldGenMb, p50Ms,
                                 p99Ms, acknowledged, dedupeRows, deadlineRows, activeSessions);
        }
    }

    @Test
    void atHalfCapacityHeapLatencyAndTablesStayFlat() {
        Duration probe = mode.isLong() ? Duration.ofSeconds(30) : Duration.ofSeconds(10);
        Duration sampleEvery = mode.isLong() ? Duration.ofMinutes(1) : Duration.ofSeconds(10);
        Reports.Scenario report = new Reports.Scenario("6", "6. Soak at half capacity",
                "One node, archive delay 2 min with a 30 s notice (so archives happen during the soak); " + TENANTS
                + " tenants (window " + WINDOW.toSeconds() + " s) busy and quiet in turns of " + TURN.toSeconds()
                + " s. Capacity measured for " + probe.toSeconds() + " s with 32 senders as fast as they go, then "
                + mode.soak().toSeconds() + " s at half of it, sampled every " + sampleEvery.toSeconds() + " s."
                + (mode.isLong() ? "" : " Short mode: a taste only, flatness is not asserted."));
        Postgres database = startPostgres();
        ServiceNode node = node("soak", database, "--live-sessions.cleanup.archive-after=2m",
                                "--live-sessions.cleanup.archive-notice=30s");
        node.start();
        List<String> tenants = Tenants.ids(TENANTS);
        createTenants(node, tenants, WINDOW);

        Ledger ledger = new Ledger();
        Load.Rotation rotation = new Load.Rotation(List.of(node));
        Instant started = Instant.now();
        Load load = use(new Load(sender, ledger, rotation, 32, 0, n -> {
            long turn = Duration.between(started, Instant.now()).toMillis() / TURN.toMillis();
            int tenant = 2 * ThreadLocalRandom.current().nextInt(TENANTS / 2) + (int) (turn % 2);
            return Message.liveSignal("soak", tenants.get(tenant), n);
        })).start();
        ServiceNode.sleep(probe);
        double capacity = ledger.answers(200) / (probe.toMillis() / 1000.0);
        load.changeRate(capacity / 2);
        ledger.drainLatencies();

        List<Sample> samples = new ArrayList<>();
        Instant soakStarted = Instant.now();
        while (Duration.between(soakStarted, Instant.now()).compareTo(mode.soak()) < 0) {
            ServiceNode.sleep(sampleEvery);
            samples.add(sample(node, database, ledger, Duration.between(soakStarted, Instant.now())));
        }
        load.stopNewMessages();
        boolean drained = load.awaitAllAcknowledged(Duration.ofSeconds(90));
        load.close();
        EventStream stream = awaitClosures(database, WINDOW.plusSeconds(30));

        SoftAssertions softly = new SoftAssertions();
        report.put("capacity (200 answers/s, 32 senders unthrottled)", Math.round(capacity))
              .put("soak rate (messages/s)", Math.round(capacity / 2));
        for (Sample sample : samples) {
            report.put("sample at " + Reports.seconds(sample.at()), sample);
        }
        checkMessages(report, ledger, stream, softly);
        int violations = checkSessions(report, database, stream, true, softly);
        report.put("invariant violations", violations);
        List<String> dedupeIds = database.rows("SELECT message_id FROM inbound_message").stream()
                                         .map(row -> (String) row.get("message_id")).toList();
        report.put("dedupe rows at the end vs stored ids",
                   dedupeIds.size() + " vs " + stream.recordedMessageIds.size());
        checkReadModels(report, node, database, softly);
        report.finish();

        softly.assertThat(drained).as("the senders' redeliveries were all acknowledged").isTrue();
        softly.assertThat(ledger.serverErrors()).as("5xx answers other than 503, the first: %s",
                                                   ledger.serverErrorSamples()).isZero();
        Set<String> withoutDedupeRow = new HashSet<>(stream.recordedMessageIds.keySet());
        withoutDedupeRow.removeAll(dedupeIds);
        Set<String> dedupeRowWithoutMessage = new HashSet<>(dedupeIds);
        dedupeRowWithoutMessage.removeAll(stream.recordedMessageIds.keySet());
        softly.assertThat(withoutDedupeRow).as("stored message ids without a dedupe row").isEmpty();
        softly.assertThat(dedupeRowWithoutMessage).as("dedupe rows of no stored message").isEmpty();
        if (mode.isLong()) {
            assertFlat(samples, softly);
        }
        softly.assertAll();
    }

    private Sample sample(ServiceNode node, Postgres database, Ledger ledger, Duration at) {
        String metrics = sender.metrics(node);
        long[] latencies = ledger.drainLatencies();
        return new Sample(at,
                Sender.metric(metrics, "jvm_memory_used_bytes", "area=\"heap\"") / MEGABYTE,
                Sender.metric(metrics, "jvm_memory_used_bytes", "area=\"heap\"", "Old Gen") / MEGABYTE,
                percentile(latencies, 0.50), percentile(latencies, 0.99), latencies.length,
                database.number("SELECT count(*) FROM inbound_message"),
                database.number("SELECT count(*) FROM scheduled_tasks"),
                database.number("SELECT count(*) FROM live_session WHERE status = 'ACTIVE'"));
    }

    /**
     * Flat: the last third of the soak is no worse than the first third (after a minute of warm-up) by more than a
     * margin: old generation within 1.5 × + 32 MB, p99 within 2 × + 50 ms, deadline rows within 2 × + 100.
     */
    private static void assertFlat(List<Sample> samples, SoftAssertions softly) {
        List<Sample> warm = samples.subList(Math.min(1, samples.size()), samples.size());
        int third = Math.max(1, warm.size() / 3);
        List<Sample> first = warm.subList(0, third);
        List<Sample> last = warm.subList(warm.size() - third, warm.size());
        softly.assertThat(max(last, Sample::oldGenMb)).as("old generation used, last third (MB)")
              .isLessThanOrEqualTo(max(first, Sample::oldGenMb) * 1.5 + 32);
        softly.assertThat(median(last, Sample::p99Ms)).as("p99 latency, last third (ms)")
              .isLessThanOrEqualTo(median(first, Sample::p99Ms) * 2 + 50);
        softly.assertThat(max(last, sample -> (double) sample.deadlineRows())).as("deadline rows, last third")
              .isLessThanOrEqualTo(max(first, sample -> (double) sample.deadlineRows()) * 2 + 100);
    }

    private static double max(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> value) {
        return samples.stream().mapToDouble(value).max().orElse(0);
    }

    private static double median(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> value) {
        double[] sorted = samples.stream().mapToDouble(value).sorted().toArray();
        return sorted.length == 0 ? 0 : sorted[sorted.length / 2];
    }

    private static double percentile(long[] sortedNanos, double fraction) {
        if (sortedNanos.length == 0) {
            return 0;
        }
        return sortedNanos[(int) Math.min(sortedNanos.length - 1, Math.floor(fraction * sortedNanos.length))] / 1e6;
    }
}
