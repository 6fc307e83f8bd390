package dev.livesessions.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** What every scenario works with: the settings, the run's PostgreSQL and service, and where to report. */
final class Run {

    /** Load generators still running, so that the orchestrator's shutdown hook can stop them. */
    static final Set<Process> LOAD_GENERATORS = ConcurrentHashMap.newKeySet();

    final BenchSettings settings;
    final Database database;
    final ServiceProcess service;
    final ProcessCpu cpu;
    final Report report;
    private final Path directory;
    private final Path loads;
    private final String classpath;

    /**
     * @param directory the run's temporary directory (deleted at the end)
     * @param loads     where each load's plan and result are kept with the results
     */
    Run(BenchSettings settings, Database database, ServiceProcess service, ProcessCpu cpu, Report report,
        Path directory, Path loads, String classpath) throws IOException {
        this.settings = settings;
        this.database = database;
        this.service = service;
        this.cpu = cpu;
        this.report = report;
        this.directory = directory;
        this.loads = java.nio.file.Files.createDirectories(loads);
        this.classpath = classpath;
    }

    String url(String path) {
        return service.url(path).toString();
    }

    /** Runs a load over HTTP from a load generator JVM of its own, and returns what it measured. */
    /** Live signals the service answered as not being one, over every load of the run (see {@link #checked}). */
    private long liveSignalsMissed;
    private final java.util.Map<String, Long> missedByRun = new java.util.TreeMap<>();

    /** Counts the live signals the service dropped (answered as chat) in a load; returns the load's result. */
    LoadResult checked(LoadResult result) {
        if (result.liveSignalsMissed() > 0) {
            liveSignalsMissed += result.liveSignalsMissed();
            missedByRun.put(result.runId(), result.liveSignalsMissed());
            System.out.printf("  %s: %d live signal(s) answered as not being one%n", result.runId(),
                              result.liveSignalsMissed());
        }
        return result;
    }

    long liveSignalsMissed() {
        return liveSignalsMissed;
    }

    java.util.Map<String, Long> missedByRun() {
        return missedByRun;
    }

    LoadResult overHttp(LoadPlan plan) throws IOException, InterruptedException {
        Path planFile = loads.resolve(plan.runId() + ".plan.json");
        Path resultFile = loads.resolve(plan.runId() + ".result.json");
        Json.MAPPER.writeValue(planFile.toFile(), plan);
        Process generator = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC",
                "-cp", classpath, LoadGenerator.class.getName(), planFile.toString(), resultFile.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("load-generator.log").toFile()))
                .start();
        LOAD_GENERATORS.add(generator);
        try {
            long patience = plan.maxMessages() > 0 ? TimeUnit.MINUTES.toSeconds(30)
                    : (long) (plan.warmupSeconds() + plan.durationSeconds()) + 120;
            if (!generator.waitFor(patience, TimeUnit.SECONDS)) {
                throw new IllegalStateException("Load generator " + plan.runId() + " did not finish in " + patience
                                                + " s");
            }
            if (generator.exitValue() != 0) {
                throw new IllegalStateException("Load generator " + plan.runId() + " exited with "
                                                + generator.exitValue() + "; see load-generator.log");
            }
            return Json.MAPPER.readValue(resultFile.toFile(), LoadResult.class);
        } finally {
            generator.destroyForcibly();
            LOAD_GENERATORS.remove(generator);
        }
    }

    /** Waits until the read models have handled every event stored so far. */
    void awaitReadModels(Duration patience) throws Exception {
        long giveUpAt = System.nanoTime() + patience.toNanos();
        long head = database.eventHead();
        while (System.nanoTime() < giveUpAt) {
            JsonNode progress = service.get("/api/replays/progress");
            if (!progress.path("position").isNull() && progress.path("position").asLong() >= head) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("The read models did not catch up with the stream in " + patience);
    }

    /** Runs a load through the write path inside the service's JVM (no HTTP); the service measures it. */
    LoadResult inProcess(LoadPlan plan) throws IOException, InterruptedException {
        Json.MAPPER.writeValue(loads.resolve(plan.runId() + ".plan.json").toFile(), plan);
        LoadResult result = service.post("/bench/control/in-process", plan, LoadResult.class);
        Json.MAPPER.writeValue(loads.resolve(plan.runId() + ".result.json").toFile(), result);
        return result;
    }

    /**
     * Adds to a scenario's report the statements PostgreSQL spent the most time on {@code during} (from
     * {@link Database#costliestStatements}); nothing when the run does not track them.
     */
    static void reportStatements(String during, List<Database.StatementCost> costs, List<String> md,
                                 java.util.Map<String, Object> results) {
        if (costs.isEmpty()) {
            return;
        }
        md.addAll(statementsTable(during, costs));
        results.put("statements", costs);
    }

    /** The statements PostgreSQL spent the most time on {@code during}, as a Markdown table after a blank line. */
    static List<String> statementsTable(String during, List<Database.StatementCost> costs) {
        List<String> md = new ArrayList<>();
        md.add("");
        md.add("What PostgreSQL spent its time on " + during + " (`pg_stat_statements`, summed over every "
               + "connection; plans: the times PostgreSQL planned the statement rather than use a plan it kept):");
        md.add("");
        md.add("| calls | execution ms | ms per call | plans | planning ms | rows | statement |");
        md.add("|---|---|---|---|---|---|---|");
        for (Database.StatementCost cost : costs) {
            md.add("| %,d | %s | %s | %,d | %s | %,d | `%s` |".formatted(cost.calls(),
                    Report.number(cost.executionMillis()),
                    Report.number(cost.executionMillis() / Math.max(1, cost.calls())),
                    cost.plans(), Report.number(cost.planningMillis()), cost.rows(),
                    cost.statement().replace("|", "\\|").replace("`", "'")));
        }
        return md;
    }

    static List<String> header(String title, String... paragraphs) {
        List<String> lines = new java.util.ArrayList<>();
        lines.add("## " + title);
        lines.add("");
        for (String paragraph : paragraphs) {
            lines.add(paragraph);
            lines.add("");
        }
        return lines;
    }
}
