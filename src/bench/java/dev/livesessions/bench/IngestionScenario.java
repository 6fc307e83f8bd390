package dev.livesessions.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Scenario 1, ingestion: the same messages through four variants, in two shapes, at each concurrency.
 * <ul>
 *     <li>raw-http: one event-sized row INSERT + COMMIT per request (the limit of "durable per request");</li>
 *     <li>crud-http: the seed's design, one transaction per message with a row lock on the tenant's session;</li>
 *     <li>ours-http: signed webhooks through the real endpoint, 200 meaning stored;</li>
 *     <li>ours-inproc: the same write path inside the service's JVM, without HTTP (see {@link InProcessWritePath}).</li>
 * </ul>
 * Variants run one after the other for each shape and concurrency, so that drift of a shared machine touches them
 * alike, in an order that changes from one shape and concurrency to the next ({@link #inTurn}), each once the read
 * models have caught up with the previous one. After each run of a service variant, the database is checked: every
 * acknowledged live signal stored exactly once. Then, per shape, a paced run at half of the highest ours-http rate
 * gives the latency a service sees at a sustainable load, and raw-http paced at the same rate gives the latency of one
 * durable insert per request at that load: the floor of the paced p99 on this machine.
 */
final class IngestionScenario {

    static final String NAME = "ingestion";
    private static final String SPREAD_PREFIX = "s";
    private static final String HOT_PREFIX = "hot";
    private static final List<String> VARIANTS = List.of("raw-http", "crud-http", "ours-http", "ours-inproc");
    /** The variants' orders, by their places in {@link #VARIANTS} (see {@link #inTurn}). */
    private static final List<List<Integer>> TURNS = List.of(List.of(0, 1, 3, 2), List.of(1, 2, 0, 3),
                                                             List.of(2, 3, 1, 0), List.of(3, 0, 2, 1));
    /** How many of PostgreSQL's costliest statements a run of ours-http reports, when statements are tracked. */
    private static final int STATEMENTS_REPORTED = 12;
    /** The pause before each run, after the read models have caught up (shorter in smoke mode: its warm-up). */
    private static final double SETTLE_PAUSE_SECONDS = 2;
    /** Threads' shares of the CPU per message below this many milliseconds are not worth a line. */
    private static final double SMALLEST_THREAD_SHARE_MILLIS = 0.005;

    /** What one measured run gave, and whether the database holds exactly what was acknowledged. */
    record Row(String shape, int senders, String variant, double ratePerSecond, LoadResult result, Check check,
               Database.DiskWrites diskWrites, ProcessCpu.Sample cpu, List<Database.StatementCost> statements) {

        /** WAL bytes per message sent, warm-up included. */
        double walBytesPerMessage() {
            return perMessageSent(diskWrites.walBytes());
        }

        /** Milliseconds of the service's CPU per message sent, warm-up included. */
        double serviceCpuMillisPerMessage() {
            return perMessageSent(cpu.serviceSeconds() * 1_000);
        }

        /** Milliseconds of PostgreSQL's CPU per message sent, warm-up included. */
        double postgresCpuMillisPerMessage() {
            return perMessageSent(cpu.postgresSeconds() * 1_000);
        }

        double perMessageSent(double amount) {
            return amount / Math.max(1, result.sent());
        }
    }

    /**
     * Acknowledged live signals against stored rows (events for the service, rows for the baselines): {@code lost}
     * acknowledged ids not stored, {@code doubled} rows beyond the first of their id.
     */
    record Check(long acknowledged, long stored, long distinct, long lost, long doubled) {

        boolean exact() {
            return lost == 0 && doubled == 0;
        }
    }

    private final Run run;
    private long liveSignalsStoredByTheService;

    IngestionScenario(Run run) {
        this.run = run;
    }

    static String spreadPrefix() {
        return SPREAD_PREFIX;
    }

    /** The spread shape's tenants, created once whichever scenario needs them first. */
    static void createSpreadTenants(Run run) throws Exception {
        if (run.database.count("SELECT count(*) FROM tenant WHERE id LIKE ?", SPREAD_PREFIX + "-%")
                >= run.settings.spreadTenants()) {
            return;
        }
        for (int i = 0; i < run.settings.spreadTenants(); i++) {
            run.service.createTenant(BenchTenants.id(SPREAD_PREFIX, i), BenchTenants.sellerPhone(i), null);
        }
    }

    void run() throws Exception {
        BenchSettings settings = run.settings;
        createSpreadTenants(run);
        run.service.createTenant(BenchTenants.id(HOT_PREFIX, 0), BenchTenants.sellerPhone(0), null);
        Workload spread = Workload.spread(SPREAD_PREFIX, settings.spreadTenants());
        Map<String, Workload> shapes = new LinkedHashMap<>();
        shapes.put("spread", spread);
        shapes.put("hot", Workload.hot(HOT_PREFIX, 0));
        shapes.keySet().retainAll(settings.shapes());
        long deadlineWritesBefore = run.database.deadlineWrites();

        if (settings.jitWarmupSeconds() > 0) {
            // Compiles every variant's code path once before anything is measured.
            for (String variant : VARIANTS) {
                measure("jit", spread, variant, 16, settings.jitWarmupSeconds(), 0);
            }
        }
        List<Row> rows = new ArrayList<>();
        int cell = 0;
        for (Map.Entry<String, Workload> shape : shapes.entrySet()) {
            for (int senders : settings.concurrencies()) {
                List<Row> cellRows = new ArrayList<>();
                for (String variant : inTurn(cell++)) {
                    cellRows.add(measure(shape.getKey(), shape.getValue(), variant, senders, settings.warmupSeconds(),
                                         0));
                }
                cellRows.sort(Comparator.comparing(row -> VARIANTS.indexOf(row.variant())));
                rows.addAll(cellRows);
            }
        }
        List<Row> paced = new ArrayList<>();
        int mostSenders = settings.concurrencies().stream().mapToInt(Integer::intValue).max().orElseThrow();
        for (Map.Entry<String, Workload> shape : shapes.entrySet()) {
            double highest = rows.stream().filter(row -> row.shape().equals(shape.getKey())
                                                         && row.variant().equals("ours-http"))
                                 .mapToDouble(row -> row.result().messagesPerSecond()).max().orElseThrow();
            for (String variant : List.of("raw-http", "ours-http")) {
                paced.add(measure(shape.getKey(), shape.getValue(), variant, mostSenders, settings.warmupSeconds(),
                                  highest / 2));
            }
        }
        long deadlineWrites = run.database.deadlineWrites() - deadlineWritesBefore;
        report(rows, paced, deadlineWrites);
    }

    /**
     * The variants in the order in which the {@code cell}-th shape and concurrency runs them, the rows of a balanced
     * Latin square: over four cells each variant runs once in each place, and right after each of the others once,
     * so that none always follows the one that leaves the machine the busiest.
     */
    private static List<String> inTurn(int cell) {
        return TURNS.get(cell % TURNS.size()).stream().map(VARIANTS::get).toList();
    }

    private Row measure(String shapeName, Workload workload, String variant, int senders, double warmup, double rate)
            throws Exception {
        settle();
        String runId = "%s-%s-%d-%s%s".formatted(shapeName, variant, senders, rate > 0 ? "paced-" : "",
                                                Long.toString(System.nanoTime() % 1_000_000, 36));
        double duration = shapeName.equals("jit") ? 0 : run.settings.durationSeconds();
        LoadPlan plan = rate > 0
                ? LoadPlan.paced(runId, null, workload, senders, warmup, duration, rate)
                : LoadPlan.timed(runId, null, workload, senders, warmup, duration);
        long head = run.database.eventHead();
        Database.DiskWrites diskWritesBefore = run.database.diskWrites();
        ProcessCpu.Sample cpuBefore = run.cpu.sample();
        boolean reportsStatements = variant.equals("ours-http");
        if (reportsStatements) {
            run.database.resetStatements();
        }
        LoadResult result = switch (variant) {
            case "raw-http" -> run.overHttp(withUrl(plan, "/webhooks/bench-raw"));
            case "crud-http" -> run.overHttp(withUrl(plan, "/webhooks/bench-crud"));
            case "ours-http" -> run.checked(run.overHttp(withUrl(plan, "/webhooks/messages")));
            case "ours-inproc" -> run.checked(run.inProcess(plan));
            default -> throw new IllegalArgumentException(variant);
        };
        ProcessCpu.Sample cpu = run.cpu.sample().since(cpuBefore);
        Database.DiskWrites diskWrites = run.database.diskWrites().since(diskWritesBefore);
        List<Database.StatementCost> statements = reportsStatements
                ? run.database.costliestStatements(STATEMENTS_REPORTED) : List.of();
        Check check = check(variant, runId, head, result);
        if (variant.startsWith("ours")) {
            liveSignalsStoredByTheService += check.stored();
        }
        System.out.printf("  ingestion %-6s %-11s %3d senders%s: %,9.0f msg/s  p50 %6.2f ms  p99 %7.2f ms  %s%n",
                          shapeName, variant, senders, rate > 0 ? " paced " + Math.round(rate) + "/s" : "",
                          result.messagesPerSecond(), result.latency().p50(), result.latency().p99(),
                          check.exact() ? "stored = acknowledged" : "CHECK FAILED " + check);
        return new Row(shapeName, senders, variant, rate, result.withoutAcknowledgedSequences(), check, diskWrites,
                       cpu, statements);
    }

    /**
     * Lets the previous run's after-effects end before the next run starts: the read models catch up with the events
     * it stored, then a pause lets PostgreSQL's writers and the collectors finish what it left them.
     */
    private void settle() throws Exception {
        run.awaitReadModels(Duration.ofMinutes(5));
        Thread.sleep((long) (Math.min(SETTLE_PAUSE_SECONDS, run.settings.warmupSeconds()) * 1_000));
    }

    private LoadPlan withUrl(LoadPlan plan, String path) {
        return new LoadPlan(plan.runId(), run.url(path), plan.workload(), plan.senders(), plan.warmupSeconds(),
                            plan.durationSeconds(), plan.maxMessages(), plan.ratePerSecond());
    }

    /**
     * Every acknowledged live signal of the run (warm-up included) must be stored once: each acknowledged message id
     * is looked for among the stored ones, so that a message stored without being acknowledged (its answer failed)
     * cannot hide one acknowledged and lost.
     */
    private Check check(String variant, String runId, long head, LoadResult result) throws Exception {
        String pattern = runId + "-%";
        List<List<Object>> ids = switch (variant) {
            case "raw-http" -> run.database.rows("SELECT message_id FROM bench.raw_event WHERE message_id LIKE ?",
                                                 pattern);
            case "crud-http" -> run.database.rows("SELECT message_id FROM bench.event_log WHERE message_id LIKE ?",
                                                  pattern);
            default -> run.database.rows(
                    "SELECT message_id FROM (SELECT convert_from(payload, 'UTF8')::jsonb ->> 'messageId' AS message_id "
                    + "FROM domain_event_entry WHERE global_index > ? "
                    + "AND payload_type = 'dev.livesessions.api.ActivityRecorded') events WHERE message_id LIKE ?",
                    head, pattern);
        };
        BitSet stored = new BitSet();
        for (List<Object> id : ids) {
            stored.set(Integer.parseInt(((String) id.get(0)).substring(runId.length() + 1)));
        }
        BitSet lost = result.acknowledgedLiveSignals();
        lost.andNot(stored);
        return new Check(result.liveAcknowledged(), ids.size(), stored.cardinality(), lost.cardinality(),
                         ids.size() - stored.cardinality());
    }

    private void report(List<Row> rows, List<Row> paced, long deadlineWrites) {
        Report report = run.report;
        List<String> md = Run.header("Ingestion",
                "Closed loop: each sender sends its next message when its previous one is answered. Latency in "
                + "milliseconds, from sending to the answer (200 = stored). Ratios compare ours-http with the "
                + "baselines of the same shape and concurrency; ours-inproc/http shows what HTTP, the signature and "
                + "JSON cost. Failed: requests not answered 200 (by status; `io` a connection failure), which the "
                + "rate and latency leave out. `stored = ack` checks the database: each acknowledged live signal's "
                + "id stored exactly once. "
                + "WAL/msg: bytes of WAL PostgreSQL wrote during the run, per message sent (warm-up included). "
                + "CPU/msg: milliseconds of CPU the service's process and PostgreSQL spent during the run, per "
                + "message sent (warm-up included; in process, the load is the service's too).");
        md.add("| shape | senders | variant | msg/s | p50 | p99 | p99.9 | max | ours/crud | ours/raw | WAL/msg "
               + "| CPU/msg: service, PostgreSQL | failed | stored = ack |");
        md.add("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        Map<String, Object> ratios = new LinkedHashMap<>();
        for (Row row : rows) {
            Row crud = find(rows, row.shape(), row.senders(), "crud-http");
            Row raw = find(rows, row.shape(), row.senders(), "raw-http");
            Row ours = find(rows, row.shape(), row.senders(), "ours-http");
            boolean isOurs = row.variant().startsWith("ours");
            double overCrud = row.result().messagesPerSecond() / crud.result().messagesPerSecond();
            double overRaw = row.result().messagesPerSecond() / raw.result().messagesPerSecond();
            LoadResult.Latency latency = row.result().latency();
            md.add("| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |".formatted(
                    row.shape(), row.senders(), row.variant(), Report.number(row.result().messagesPerSecond()),
                    Report.number(latency.p50()), Report.number(latency.p99()), Report.number(latency.p999()),
                    Report.number(latency.max()), isOurs ? Report.ratio(overCrud) : "", isOurs ? Report.ratio(overRaw) : "",
                    Report.number(row.walBytesPerMessage()), cpuText(row), failedText(row), checkText(row)));
            if (row.variant().equals("ours-http")) {
                ratios.put(row.shape() + "-" + row.senders(), Map.of(
                        "oursOverCrud", overCrud, "oursOverRaw", overRaw,
                        "inprocOverHttp", find(rows, row.shape(), row.senders(), "ours-inproc").result()
                                .messagesPerSecond() / ours.result().messagesPerSecond()));
                double needed = row.shape().equals("hot") ? 3.0 : 1.0;
                report.target(NAME, "%s, %d senders: ours-http ≥ %.0f× crud-http".formatted(row.shape(),
                                                                                           row.senders(), needed),
                              Report.ratio(overCrud), overCrud >= needed);
                report.target(NAME, "%s, %d senders: ours-http ≥ 0.5× raw-http".formatted(row.shape(), row.senders()),
                              Report.ratio(overRaw), overRaw >= 0.5);
            }
        }
        List<Row> allRuns = Stream.concat(rows.stream(), paced.stream()).toList();
        md.add("");
        md.add("The service's CPU per message sent, by thread (milliseconds, warm-up included): threads of a kind "
               + "summed, numbers in their names replaced by #, Linux's first 15 characters of each name. Kinds under "
               + millis(SMALLEST_THREAD_SHARE_MILLIS) + " ms are left out. The paced runs show what a message costs "
               + "at half of the highest rate, where batches are smaller.");
        md.add("");
        md.add("| shape | senders | variant | load | threads |");
        md.add("|---|---|---|---|---|");
        for (Row row : allRuns) {
            md.add("| %s | %d | %s | %s | %s |".formatted(row.shape(), row.senders(), row.variant(),
                    row.ratePerSecond() > 0 ? "paced at " + Report.number(row.ratePerSecond()) + "/s" : "closed loop",
                    threadsText(row)));
        }
        md.add("");
        md.add("Paced (open loop) at half of the highest ours-http rate of the shape; latency counts from when each "
               + "message was due, so a stall also counts for the messages queued behind it. raw-http at the same "
               + "rate is the floor: one durable insert per request. Checkpoints: those PostgreSQL started during "
               + "the run (warm-up included), and the milliseconds their ends spent syncing data files. CPU/msg as "
               + "above.");
        md.add("");
        md.add("| shape | senders | variant | rate asked | rate reached | p50 | p99 | p99.9 | max | checkpoints (sync) "
               + "| CPU/msg: service, PostgreSQL | failed | stored = ack |");
        md.add("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (Row row : paced) {
            LoadResult.Latency latency = row.result().latency();
            md.add("| %s | %d | %s | %s | %s | %s | %s | %s | %s | %d (%s ms) | %s | %s | %s |".formatted(
                    row.shape(), row.senders(), row.variant(), Report.number(row.ratePerSecond()),
                    Report.number(row.result().messagesPerSecond()), Report.number(latency.p50()),
                    Report.number(latency.p99()), Report.number(latency.p999()), Report.number(latency.max()),
                    row.diskWrites().checkpoints(), Report.number(row.diskWrites().checkpointSyncMillis()),
                    cpuText(row), failedText(row), checkText(row)));
            if (row.variant().equals("ours-http")) {
                double floor = find(paced, row.shape(), row.senders(), "raw-http").result().latency().p99();
                report.target(NAME, "%s: p99 ≤ 25 ms at half of the highest rate (%s msg/s)".formatted(
                                      row.shape(), Report.number(row.ratePerSecond())),
                              "%s ms (raw-http at that rate: %s ms)".formatted(Report.number(latency.p99()),
                                                                               Report.number(floor)),
                              latency.p99() <= 25);
            }
        }
        for (Row row : allRuns) {
            if (!row.statements().isEmpty()) {
                md.addAll(Run.statementsTable("in the run of ours-http, %s shape, %d senders%s (warm-up included)"
                        .formatted(row.shape(), row.senders(), row.ratePerSecond() > 0
                                ? ", paced at " + Report.number(row.ratePerSecond()) + "/s" : ""), row.statements()));
            }
        }
        boolean allExact = allRuns.stream().allMatch(row -> row.check().exact());
        long lost = allRuns.stream().mapToLong(row -> row.check().lost()).sum();
        long doubled = allRuns.stream().mapToLong(row -> row.check().doubled()).sum();
        long missed = allRuns.stream().filter(row -> row.variant().startsWith("ours"))
                             .mapToLong(row -> row.result().liveSignalsMissed()).sum();
        report.target(NAME, "no message lost or double-counted, at any rate",
                      "%d acknowledged but not stored, %d stored twice, %d live signals answered as chat"
                              .formatted(lost, doubled, missed), allExact && missed == 0);
        double writesPerMessage = deadlineWrites / (double) Math.max(1, liveSignalsStoredByTheService);
        md.add("");
        md.add("Deadline-store writes during ingestion (rows inserted + updated + deleted in `scheduled_tasks`, from "
               + "`pg_stat_user_tables`): %d for %d live signals stored by the service, %.5f per live message."
                       .formatted(deadlineWrites, liveSignalsStoredByTheService, writesPerMessage));
        report.target(NAME, "deadline-store writes per live message ≤ 0.01 (long-lived sessions)",
                      String.format(java.util.Locale.ROOT, "%.5f", writesPerMessage), writesPerMessage <= 0.01);
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("runs", rows);
        results.put("paced", paced);
        results.put("ratios", ratios);
        results.put("deadlineWrites", deadlineWrites);
        results.put("liveSignalsStoredByTheService", liveSignalsStoredByTheService);
        results.put("deadlineWritesPerLiveMessage", writesPerMessage);
        report.scenario(NAME, results, md);
    }

    private static String cpuText(Row row) {
        return Report.number(row.serviceCpuMillisPerMessage()) + ", " + Report.number(row.postgresCpuMillisPerMessage());
    }

    private static String threadsText(Row row) {
        return row.cpu().serviceThreadSeconds().entrySet().stream()
                  .map(kind -> Map.entry(kind.getKey(), row.perMessageSent(kind.getValue() * 1_000)))
                  .filter(kind -> kind.getValue() >= SMALLEST_THREAD_SHARE_MILLIS)
                  .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                  .map(kind -> "`" + kind.getKey() + "` " + millis(kind.getValue()))
                  .collect(Collectors.joining(", "));
    }

    /** A thread's share is a few hundredths of a millisecond: it needs a third decimal. */
    private static String millis(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }

    private static String failedText(Row row) {
        LoadResult result = row.result();
        return result.failed() == 0 ? "0" : "**%d** (%s)".formatted(result.failed(), result.failures().entrySet()
                .stream().map(status -> status.getKey() + ": " + status.getValue()).collect(Collectors.joining(", "))
                .replace("|", "\\|"));
    }

    private static String checkText(Row row) {
        Check check = row.check();
        return check.exact() ? "yes (" + check.stored() + ")"
                : "**no**: %d acknowledged, %d stored, %d distinct, %d acknowledged and not stored".formatted(
                        check.acknowledged(), check.stored(), check.distinct(), check.lost());
    }

    private static Row find(List<Row> rows, String shape, int senders, String variant) {
        return rows.stream().filter(row -> row.shape().equals(shape) && row.senders() == senders
                                           && row.variant().equals(variant)).findFirst().orElseThrow();
    }
}
