package dev.livesessions.bench;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.Map;

/**
 * Scenario 4, stream length: does a session with a long stream cost more per live message? Each length (10, 1 000,
 * 10 000 live signals) gets a group of sessions, filled over HTTP; then a paced load sends codes to the groups in
 * turn, so that all groups see the same moments of the run (collections, checkpoints), and compares their p99.
 * <p>
 * A group has enough sessions that each receives few of the measured messages, so that its streams stay near their
 * length while they are measured: with one session per length, the load itself would grow the shortest stream a
 * hundredfold. The longer the streams, the fewer sessions, as filling them costs a message per event.
 */
final class StreamLengthScenario {

    static final String NAME = "stream-length";
    private static final String PREFIX = "len";
    private static final int FILL_SENDERS = 16;

    private final Run run;

    StreamLengthScenario(Run run) {
        this.run = run;
    }

    void run() throws Exception {
        List<Integer> lengths = run.settings.priorEvents();
        List<Integer> sessions = run.settings.sessionsPerLength();
        Workload measured = Workload.inGroups(PREFIX, sessions);
        run.database.insertTenants(PREFIX, measured.tenantCount(), Duration.ofHours(2));
        for (int group = 0; group < lengths.size(); group++) {
            int first = measured.firstOfGroup(group);
            run.checked(run.overHttp(LoadPlan.counted("len-fill-" + group, run.url("/webhooks/messages"),
                                                      Workload.cycle(PREFIX, first, sessions.get(group)),
                                                      FILL_SENDERS, (long) sessions.get(group) * lengths.get(group))));
        }
        List<LongSummaryStatistics> before = streamLengths(measured);
        double rate = run.settings.streamRate();
        LoadResult result = run.checked(run.overHttp(LoadPlan.paced("len-measure", run.url("/webhooks/messages"),
                                                                    measured, 6,
                                                                    Math.min(2, run.settings.warmupSeconds()),
                                                                    run.settings.streamSeconds(), rate)));
        List<LongSummaryStatistics> after = streamLengths(measured);
        List<String> md = Run.header("Stream length",
                ("A paced load of %s live messages per second, to the groups in turn and to a group's sessions in "
                 + "turn, %s s measured. Prior events: a session's stream (LiveSessionCreated and its "
                 + "ActivityRecorded events) when the measurement starts, the group's least and most; the load adds "
                 + "to it, up to the length at the end (warm-up included)."
                ).formatted(Report.number(rate), Report.number(run.settings.streamSeconds())));
        md.add("| group | sessions | prior events | at the end | messages | p50 | p99 | p99.9 | max "
               + "| p99 / p99 at the shortest |");
        md.add("|---|---|---|---|---|---|---|---|---|---|");
        List<Map<String, Object>> rows = new ArrayList<>();
        double shortestP99 = Double.NaN;
        double longestRatio = Double.NaN;
        for (int group = 0; group < lengths.size(); group++) {
            LoadResult.Latency latency = result.latencyByGroup().get(group);
            if (latency == null) {
                throw new IllegalStateException(("no message to the sessions of %d live signals was answered 200; "
                                                 + "failures: %s").formatted(lengths.get(group), result.failures()));
            }
            if (group == 0) {
                shortestP99 = latency.p99();
            }
            double ratio = latency.p99() / shortestP99;
            longestRatio = ratio;
            md.add("| %,d live signals | %,d | %s | %s | %,d | %s | %s | %s | %s | %s |".formatted(lengths.get(group),
                    sessions.get(group), range(before.get(group)), range(after.get(group)), latency.count(),
                    Report.number(latency.p50()), Report.number(latency.p99()), Report.number(latency.p999()),
                    Report.number(latency.max()), Report.ratio(ratio)));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("length", lengths.get(group));
            row.put("sessions", sessions.get(group));
            row.put("priorEvents", Map.of("min", before.get(group).getMin(), "max", before.get(group).getMax()));
            row.put("eventsAtTheEnd", Map.of("min", after.get(group).getMin(), "max", after.get(group).getMax()));
            row.put("latency", latency);
            row.put("p99OverShortest", ratio);
            rows.add(row);
        }
        run.report.target(NAME, "p99 at %d prior events ≤ 1.5× p99 at %d".formatted(lengths.get(lengths.size() - 1),
                                                                                  lengths.get(0)),
                          Report.ratio(longestRatio), longestRatio <= 1.5);
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("ratePerSecond", rate);
        results.put("groups", rows);
        results.put("load", result);
        run.report.scenario(NAME, results, md);
        System.out.printf("  stream length: p99 at the longest streams is %s the p99 at the shortest%n",
                          Report.ratio(longestRatio));
    }

    /** The length of each group's streams as stored now; every session of a group is counted. */
    private List<LongSummaryStatistics> streamLengths(Workload measured) throws SQLException {
        List<LongSummaryStatistics> groups = new ArrayList<>();
        for (int group = 0; group < measured.groupSizes().size(); group++) {
            groups.add(new LongSummaryStatistics());
        }
        for (List<Object> row : run.database.rows(
                "SELECT aggregate_identifier, count(*) FROM domain_event_entry WHERE aggregate_identifier LIKE ? "
                + "GROUP BY aggregate_identifier", PREFIX + "-%")) {
            int tenant = Integer.parseInt(((String) row.get(0)).replaceAll("^" + PREFIX + "-(\\d+)\\.\\d+$", "$1"));
            groups.get(measured.groupOf(tenant)).accept(((Number) row.get(1)).longValue());
        }
        for (int group = 0; group < groups.size(); group++) {
            if (groups.get(group).getCount() != measured.groupSizes().get(group)) {
                throw new IllegalStateException("group %d has %d sessions, not %d".formatted(group,
                        groups.get(group).getCount(), measured.groupSizes().get(group)));
            }
        }
        return groups;
    }

    private static String range(LongSummaryStatistics lengths) {
        return lengths.getMin() == lengths.getMax() ? "%,d".formatted(lengths.getMin())
                : "%,d-%,d".formatted(lengths.getMin(), lengths.getMax());
    }
}
