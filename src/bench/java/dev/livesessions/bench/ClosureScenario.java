package dev.livesessions.bench;

import com.fasterxml.jackson.databind.JsonNode;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scenarios 2 and 5, closure timeliness and memory, on one set of sessions: many tenants with a short inactivity
 * window each get a live signal (opening a session each), then more activity spread evenly over the window; memory is
 * taken while every session is open, and the run waits until every session has closed on its own.
 * <ul>
 *     <li>Lateness of a closure: when its LiveSessionClosed event was created (the event's {@code time_stamp}) minus
 *     when the session was due to close ({@code closedAt} in the payload, which is last activity + window).</li>
 *     <li>Deadline-store writes: rows inserted, updated and deleted in {@code scheduled_tasks} over the scenario,
 *     from PostgreSQL's table statistics, per live message and per session.</li>
 *     <li>Memory: heap in use after a full GC (asked of the service's JVM) and the process's resident set size.</li>
 * </ul>
 * The tenants are inserted with SQL ({@link Database#insertTenants}).
 */
final class ClosureScenario {

    static final String NAME = "closure";
    static final String MEMORY = "memory";
    private static final String PREFIX = "c";
    /** The share of the window over which a pass after the first spreads its live signals. */
    private static final double SPREAD = 0.8;

    private final Run run;

    ClosureScenario(Run run) {
        this.run = run;
    }

    void run() throws Exception {
        BenchSettings settings = run.settings;
        int tenants = settings.closureTenants();
        long window = settings.closureWindow().toSeconds();
        Database database = run.database;
        database.insertTenants(PREFIX, tenants, settings.closureWindow());
        Memory before = memory(0);
        long deadlineWritesBefore = database.deadlineWrites();
        int senders = settings.concurrencies().stream().mapToInt(Integer::intValue).max().orElseThrow();

        // Every tenant's first live signal opens its session.
        long openedAt = System.nanoTime();
        LoadResult opening = run.checked(run.overHttp(LoadPlan.counted(
                "close-open", run.url("/webhooks/messages"), Workload.cycle(PREFIX, 0, tenants), senders, tenants)));
        double openingSeconds = (System.nanoTime() - openedAt) / 1e9;
        long activeNow = database.count("SELECT count(*) FROM tenant_latest_session WHERE active "
                                        + "AND tenant_id LIKE 'c-%'");
        Memory withAllOpen = memory(activeNow);
        System.out.printf("  closure: %,d sessions opened in %.0f s (%,d active); heap after GC %s, RSS %s%n",
                          opening.liveAcknowledged(), openingSeconds, activeNow,
                          Report.mib(withAllOpen.heapAfterGc()), Report.mib(withAllOpen.resident()));

        // More activity, spread over time: each later pass moves every session's last activity, at an even pace that
        // reaches the last session within 80 % of the window. Sessions then fall due one after another at that pace,
        // as lives end over a day, rather than all at the rate the service takes live signals.
        double pace = pace(tenants, window);
        List<LoadResult> activity = new ArrayList<>();
        for (int pass = 2; pass <= settings.closurePasses(); pass++) {
            activity.add(run.checked(run.overHttp(LoadPlan.counted(
                    "close-pass" + pass, run.url("/webhooks/messages"), Workload.cycle(PREFIX, 0, tenants), senders,
                    tenants, pace))));
        }
        long liveMessages = opening.liveAcknowledged()
                            + activity.stream().mapToLong(LoadResult::liveAcknowledged).sum();

        database.resetStatements();
        long closed = awaitClosures();
        List<Database.StatementCost> statements = database.costliestStatements(12);
        long sessions = database.count("SELECT count(*) FROM domain_event_entry WHERE payload_type = "
                                       + "'dev.livesessions.api.LiveSessionCreated' AND aggregate_identifier LIKE 'c-%'");
        long deadlineWrites = database.deadlineWrites() - deadlineWritesBefore;
        Histogram lateness = new Histogram(3_600_000L, 3);
        double earliest = Double.MAX_VALUE;
        for (List<Object> row : database.rows(
                "SELECT extract(epoch FROM (time_stamp::timestamptz - (convert_from(payload, 'UTF8')::jsonb "
                + "->> 'closedAt')::timestamptz)) * 1000 FROM domain_event_entry "
                + "WHERE payload_type = 'dev.livesessions.api.LiveSessionClosed' AND aggregate_identifier LIKE 'c-%'")) {
            double millis = ((Number) row.get(0)).doubleValue();
            earliest = Math.min(earliest, millis);
            lateness.recordValue(Math.max(0, Math.round(millis)));
        }
        Map<String, Long> reasons = new LinkedHashMap<>();
        for (List<Object> row : database.rows(
                "SELECT convert_from(payload, 'UTF8')::jsonb ->> 'reason', count(*) FROM domain_event_entry "
                + "WHERE payload_type = 'dev.livesessions.api.LiveSessionClosed' AND aggregate_identifier LIKE 'c-%' "
                + "GROUP BY 1")) {
            reasons.put(String.valueOf(row.get(0)), ((Number) row.get(1)).longValue());
        }
        report(tenants, window, opening, openingSeconds, activity, liveMessages, sessions, closed, deadlineWrites,
               lateness, earliest, reasons, before, withAllOpen, statements);
    }

    /** Live signals a second of a pass after the first. */
    private static double pace(int tenants, long windowSeconds) {
        return tenants / (SPREAD * windowSeconds);
    }

    /**
     * Waits until no closure tenant has an active session any more, or the patience runs out. (A session whose window
     * passed before the next pass reached it is closed, and that pass opens the tenant's next session.)
     *
     * @return closed sessions
     */
    private long awaitClosures() throws Exception {
        long giveUpAt = System.nanoTime() + run.settings.closureWindow().plus(run.settings.closureTimeout()).toNanos();
        while (System.nanoTime() < giveUpAt && run.database.count(
                "SELECT count(*) FROM tenant_latest_session WHERE active AND tenant_id LIKE 'c-%'") > 0) {
            Thread.sleep(run.settings.mode().equals("smoke") ? 500 : 2_000);
        }
        return run.database.count("SELECT count(*) FROM domain_event_entry WHERE payload_type = "
                                  + "'dev.livesessions.api.LiveSessionClosed' AND aggregate_identifier LIKE 'c-%'");
    }

    record Memory(long activeSessions, long heapAfterGc, long heapCommitted, long heapMax, long resident) {
    }

    private Memory memory(long activeSessions) throws Exception {
        JsonNode heap = run.service.post("/bench/control/heap", null);
        return new Memory(activeSessions, heap.path("usedAfterGcBytes").asLong(), heap.path("committedBytes").asLong(),
                          heap.path("maxBytes").asLong(), run.service.residentBytes());
    }

    private void report(int tenants, long window, LoadResult opening, double openingSeconds,
                        List<LoadResult> activity, long liveMessages, long sessions, long closed,
                        long deadlineWrites,
                        Histogram lateness, double earliest, Map<String, Long> reasons, Memory before,
                        Memory withAllOpen, List<Database.StatementCost> statements) {
        Report report = run.report;
        LoadResult.Latency late = LoadRunner.latencyOf(lateness);
        // latencyOf reads microseconds; lateness was recorded in milliseconds, so scale back.
        double p50 = late.p50() * 1000;
        double p99 = late.p99() * 1000;
        double p999 = late.p999() * 1000;
        double max = late.max() * 1000;
        double perMessage = deadlineWrites / (double) Math.max(1, liveMessages);
        List<String> md = Run.header("Closure timeliness",
                ("%,d tenants (inserted with SQL), window %d s. Each got %d live signal(s) over HTTP (%d senders): "
                 + "the first pass, closed loop, opened the sessions in %.0f s; each later pass, paced at %.0f "
                 + "signals/s, spread its signals over %.0f %% of the window, so that sessions fell due at that "
                 + "rate. Then the run waited for every session to close on its own. Lateness = the "
                 + "LiveSessionClosed event's `time_stamp` minus its `closedAt` (last activity + window).")
                        .formatted(tenants, window, 1 + activity.size(),
                                   run.settings.concurrencies().stream().mapToInt(Integer::intValue).max().orElse(0),
                                   openingSeconds, pace(tenants, window), SPREAD * 100));
        md.add("| sessions opened | closed | reasons | lateness p50 | p99 | p99.9 | max | earliest | deadline writes | per live message | per session |");
        md.add("|---|---|---|---|---|---|---|---|---|---|---|");
        md.add("| %,d | %,d | %s | %s ms | %s ms | %s ms | %s ms | %s ms | %,d | %s | %s |".formatted(sessions, closed,
                reasons, Report.number(p50), Report.number(p99), Report.number(p999), Report.number(max),
                Report.number(earliest), deadlineWrites, Report.number(perMessage),
                Report.number(deadlineWrites / (double) Math.max(1, sessions))));
        report.target(NAME, "p99 close lateness ≤ 1 s at %,d sessions".formatted(tenants),
                      Report.number(p99) + " ms (" + closed + " of " + sessions + " closed)",
                      closed >= sessions && p99 <= 1_000);
        report.target(NAME, "deadline-store writes per live message ≤ 0.01 (%d messages per session)"
                              .formatted(1 + activity.size()),
                      String.format(java.util.Locale.ROOT, "%.3f", perMessage), perMessage <= 0.01);
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("tenants", tenants);
        results.put("windowSeconds", window);
        results.put("opening", opening);
        results.put("openingSeconds", openingSeconds);
        results.put("activity", activity);
        results.put("pacePerSecond", pace(tenants, window));
        results.put("liveMessages", liveMessages);
        results.put("sessions", sessions);
        results.put("closed", closed);
        results.put("reasons", reasons);
        results.put("latenessMillis", Map.of("p50", p50, "p99", p99, "p999", p999, "max", max, "earliest", earliest,
                                             "count", lateness.getTotalCount()));
        results.put("deadlineWrites", deadlineWrites);
        results.put("deadlineWritesPerLiveMessage", perMessage);
        results.put("deadlineWritesPerSession", deadlineWrites / (double) Math.max(1, sessions));
        Run.reportStatements("from the last pass until every session had closed", statements, md, results);
        report.scenario(NAME, results, md);

        List<String> memory = Run.header("Memory",
                "Heap in use after a full GC (System.gc() in the service, twice) and resident set size of the "
                + "service's process (VmRSS), with the service's maximum heap set to -Xmx" + run.settings.serviceHeap()
                + ".");
        memory.add("| moment | active sessions | heap after GC | heap committed | RSS |");
        memory.add("|---|---|---|---|---|");
        memory.add("| before the closure scenario | (earlier scenarios' only) | %s | %s | %s |".formatted(
                Report.mib(before.heapAfterGc()), Report.mib(before.heapCommitted()), Report.mib(before.resident())));
        memory.add("| every closure session open | %,d | %s | %s | %s |".formatted(withAllOpen.activeSessions(),
                Report.mib(withAllOpen.heapAfterGc()), Report.mib(withAllOpen.heapCommitted()),
                Report.mib(withAllOpen.resident())));
        report.target(MEMORY, "%,d active sessions in ≤ 512 MiB heap".formatted(tenants),
                      Report.mib(withAllOpen.heapAfterGc()) + " after GC, " + withAllOpen.activeSessions() + " active",
                      withAllOpen.activeSessions() >= tenants && withAllOpen.heapAfterGc() <= 512L * 1024 * 1024);
        report.scenario(MEMORY, Map.of("before", before, "allOpen", withAllOpen), memory);
    }
}
