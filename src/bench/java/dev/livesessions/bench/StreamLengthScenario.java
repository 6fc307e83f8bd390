package dev.livesessions.bench;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scenario 4, stream length: does a session with a long stream cost more per live message? Three tenants' sessions
 * are filled with 10, 1 000 and 10 000 live signals; then a paced load sends codes to the three in turn (each
 * message to the next session, so that all three see the same moments of the run) and compares their p99.
 */
final class StreamLengthScenario {

    static final String NAME = "stream-length";
    private static final String PREFIX = "len";

    private final Run run;

    StreamLengthScenario(Run run) {
        this.run = run;
    }

    void run() throws Exception {
        List<Integer> prior = run.settings.priorEvents();
        for (int i = 0; i < prior.size(); i++) {
            run.service.createTenant(BenchTenants.id(PREFIX, i), BenchTenants.sellerPhone(i), Duration.ofHours(2));
            LoadResult fill = run.overHttp(LoadPlan.counted("len-fill-" + i, run.url("/webhooks/messages"),
                                                            Workload.hot(PREFIX, i), 16, prior.get(i)));
            run.checked(fill);
        }
        Map<String, Long> streamLengths = streamLengths(prior.size());
        double rate = run.settings.streamRate();
        LoadResult result = run.checked(run.overHttp(LoadPlan.paced("len-measure", run.url("/webhooks/messages"),
                                                        Workload.cycle(PREFIX, 0, prior.size()), 6,
                                                        Math.min(2, run.settings.warmupSeconds()),
                                                        run.settings.streamSeconds(), rate)));
        // The load grows every stream: the shortest ends far longer than it began, which the table must show.
        Map<String, Long> lengthsAfter = streamLengths(prior.size());
        List<String> md = Run.header("Stream length",
                ("A paced load of %s live messages per second, to the three sessions in turn, %s s measured. "
                 + "Prior events: the session's stream (LiveSessionCreated and its ActivityRecorded events) when "
                 + "the measurement starts; the load adds to it, up to the length at the end (warm-up included)."
                ).formatted(Report.number(rate), Report.number(run.settings.streamSeconds())));
        md.add("| session | prior events | at the end | messages | p50 | p99 | p99.9 | max "
               + "| p99 / p99 at the shortest |");
        md.add("|---|---|---|---|---|---|---|---|---|");
        List<Map<String, Object>> rows = new ArrayList<>();
        double shortestP99 = Double.NaN;
        double longestRatio = Double.NaN;
        for (int i = 0; i < prior.size(); i++) {
            String tenantId = BenchTenants.id(PREFIX, i);
            String sessionId = tenantId + ".1";
            LoadResult.Latency latency = result.latencyByTenant().get(tenantId);
            if (i == 0) {
                shortestP99 = latency.p99();
            }
            double ratio = latency.p99() / shortestP99;
            longestRatio = ratio;
            md.add("| %s | %d | %d | %d | %s | %s | %s | %s | %s |".formatted(sessionId,
                    streamLengths.get(sessionId), lengthsAfter.get(sessionId),
                    latency.count(), Report.number(latency.p50()), Report.number(latency.p99()),
                    Report.number(latency.p999()), Report.number(latency.max()), Report.ratio(ratio)));
            rows.add(Map.of("sessionId", sessionId, "priorEvents", streamLengths.get(sessionId),
                            "eventsAtTheEnd", lengthsAfter.get(sessionId), "latency", latency,
                            "p99OverShortest", ratio));
        }
        run.report.target(NAME, "p99 at %d prior events ≤ 1.5× p99 at %d".formatted(prior.get(prior.size() - 1),
                                                                                  prior.get(0)),
                          Report.ratio(longestRatio), longestRatio <= 1.5);
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("ratePerSecond", rate);
        results.put("sessions", rows);
        results.put("load", result);
        run.report.scenario(NAME, results, md);
        System.out.printf("  stream length: p99 at the longest stream is %s the p99 at the shortest%n",
                          Report.ratio(longestRatio));
    }

    /** Each session's stream as stored now. */
    private Map<String, Long> streamLengths(int sessions) throws SQLException {
        Map<String, Long> lengths = new LinkedHashMap<>();
        for (int i = 0; i < sessions; i++) {
            String sessionId = BenchTenants.id(PREFIX, i) + ".1";
            lengths.put(sessionId, run.database.count(
                    "SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier = ?", sessionId));
        }
        return lengths;
    }
}
