package dev.livesessions.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The orchestrator of a benchmark run ({@code ./mvnw -Pbench verify -Dbench.mode=full|smoke}, see BENCHMARKS.md).
 * <ol>
 *     <li>a fresh embedded PostgreSQL in a new temporary directory, for every scenario and baseline;</li>
 *     <li>the service in a JVM of its own, with the bench endpoints;</li>
 *     <li>the scenarios, in order, load coming from load-generator JVMs over real HTTP;</li>
 *     <li>{@code target/bench/results.json} and {@code results.md}, rewritten after each scenario.</li>
 * </ol>
 * Whatever happens, the service, the load generators and PostgreSQL are stopped and the temporary directory is
 * deleted (also on Ctrl-C, through a shutdown hook). The exit status is 1 when a scenario failed; a stored count
 * that does not match what was acknowledged is reported, and, as timings, never fails a run.
 */
public final class Bench {

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        BenchSettings settings = BenchSettings.of(System.getProperty("bench.mode", "smoke"));
        Path output = Path.of(System.getProperty("bench.output", "target/bench")).toAbsolutePath();
        Set<String> selected = selectedScenarios(System.getProperty("bench.scenarios", ""));
        Path directory = Files.createTempDirectory("live-sessions-bench-");
        deleteTree(output); // the previous run's results and logs
        Report report = new Report(output, settings);
        List<AutoCloseable> running = new ArrayList<>();
        Thread cleanup = new Thread(() -> stopAll(running, directory, output), "bench-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        long started = System.nanoTime();
        System.out.printf("Benchmark (%s mode) in %s; results in %s%n", settings.mode(), directory, output);
        try {
            String classpath = copyClasspath(directory.resolve("classpath"));
            Path dataDirectory = directory.resolve("postgres");
            Database database = Database.start(dataDirectory, settings.databaseStatements());
            running.add(database);
            database.createBaselineTables();
            report.machine(MachineFacts.collect(database, settings));
            report.write();
            String adminToken = randomToken();
            long postmasterPid = database.pid(dataDirectory);
            ServiceProcess service = ServiceProcess.start(settings, classpath, database, postmasterPid, adminToken,
                                                          directory);
            running.add(service);
            Run run = new Run(settings, database, service, new ProcessCpu(service.pid(), postmasterPid), report,
                              directory, output.resolve("loads"), classpath);
            scenario(report, selected, IngestionScenario.NAME, () -> new IngestionScenario(run).run());
            scenario(report, selected, StreamLengthScenario.NAME, () -> new StreamLengthScenario(run).run());
            scenario(report, selected, ClosureScenario.NAME, () -> new ClosureScenario(run).run());
            scenario(report, selected, ReplayScenario.NAME, () -> new ReplayScenario(run).run());
            report.target("all", "no live signal answered as chat (codes and seller messages of every load)",
                          run.liveSignalsMissed() + " missed " + run.missedByRun(), run.liveSignalsMissed() == 0);
            report.put("liveSignalsMissed", run.missedByRun());
            report.put("loadAverageAtEnd", MachineFacts.loadAverage());
        } catch (Exception e) {
            report.failed("setup", e);
            e.printStackTrace();
        } finally {
            report.put("durationSeconds", Math.round((System.nanoTime() - started) / 1e9));
            report.write();
            stopAll(running, directory, output);
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
        for (String scenario : List.of(IngestionScenario.NAME, StreamLengthScenario.NAME, ClosureScenario.NAME,
                                       ClosureScenario.MEMORY, ReplayScenario.NAME)) {
            String ranAs = scenario.equals(ClosureScenario.MEMORY) ? ClosureScenario.NAME : scenario;
            if (selected.contains(ranAs) && !report.has(scenario)) {
                report.failed(scenario, new IllegalStateException("wrote no results"));
            }
        }
        report.write();
        System.out.printf("Done in %d s: %s%n", Math.round((System.nanoTime() - started) / 1e9),
                          output.resolve("results.md"));
        if (report.hasErrors()) {
            System.err.println("Failed: " + report.errors().keySet());
            System.exit(1);
        }
        System.exit(0);
    }

    interface Scenario {
        void run() throws Exception;
    }

    /** The scenarios named (comma-separated), or all of them when none is. */
    private static Set<String> selectedScenarios(String names) {
        Set<String> all = new LinkedHashSet<>(List.of(IngestionScenario.NAME, StreamLengthScenario.NAME,
                                                      ClosureScenario.NAME, ReplayScenario.NAME));
        if (names.isBlank()) {
            return all;
        }
        Set<String> selected = new LinkedHashSet<>();
        for (String name : names.split(",")) {
            if (!all.contains(name.strip())) {
                throw new IllegalArgumentException("No scenario '" + name.strip() + "'; there are " + all);
            }
            selected.add(name.strip());
        }
        return selected;
    }

    private static void scenario(Report report, Set<String> selected, String name, Scenario scenario)
            throws IOException {
        if (!selected.contains(name)) {
            return;
        }
        System.out.println("Scenario " + name);
        long started = System.nanoTime();
        try {
            scenario.run();
        } catch (Exception e) {
            System.err.println("Scenario " + name + " failed: " + e);
            report.failed(name, e);
        }
        System.out.printf("Scenario %s: %d s%n", name, Math.round((System.nanoTime() - started) / 1e9));
        report.write();
    }

    /**
     * The service and load generators run from a copy of the build's class directories, so that another build in
     * the same working tree (recompiling or cleaning target/) cannot change them in the middle of a run.
     */
    private static String copyClasspath(Path copies) throws IOException {
        List<String> entries = new ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path path = Path.of(entry);
            if (Files.isDirectory(path)) {
                Path copy = copies.resolve(n++ + "-" + path.getFileName());
                copyTree(path, copy);
                entries.add(copy.toString());
            } else {
                entries.add(entry);
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void copyLog(Path from, Path to) throws IOException {
        if (Files.exists(from)) {
            Files.createDirectories(to.getParent());
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String randomToken() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return "bench-" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /**
     * Load generators first, then the service (it drains its write queue), then PostgreSQL; then the service's log
     * (and flight recording) are kept with the results, and the temporary directory is deleted.
     */
    private static synchronized void stopAll(List<AutoCloseable> running, Path directory, Path output) {
        Run.LOAD_GENERATORS.forEach(Process::destroyForcibly);
        for (int i = running.size() - 1; i >= 0; i--) {
            try {
                running.get(i).close();
            } catch (Exception e) {
                System.err.println("Could not stop " + running.get(i) + ": " + e);
            }
        }
        running.clear();
        try {
            copyLog(directory.resolve("service.log"), output.resolve("service.log"));
            copyLog(directory.resolve("service.jfr"), output.resolve("service.jfr"));
            copyLog(directory.resolve("load-generator.log"), output.resolve("load-generator.log"));
        } catch (IOException e) {
            System.err.println("Could not keep the logs: " + e);
        }
        deleteTree(directory);
    }

    private static void deleteTree(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // already gone
        }
    }

    /** What the results are worth only with: the machine, the JVM, the database, and how busy the machine was. */
    static final class MachineFacts {

        static Map<String, Object> collect(Database database, BenchSettings settings) throws Exception {
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("cores", Runtime.getRuntime().availableProcessors());
            facts.put("cpu", cpuModel());
            facts.put("memory", memoryTotal());
            facts.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                            + System.getProperty("os.arch"));
            facts.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                             + " (" + System.getProperty("java.vm.vendor") + ")");
            facts.put("postgresql", database.text("SELECT version()"));
            facts.put("postgresqlSettings", database.text(
                    "SELECT string_agg(name || '=' || setting, ', ' ORDER BY name) FROM pg_settings WHERE name IN "
                    + "('synchronous_commit', 'fsync', 'shared_buffers', 'max_connections', 'wal_level')"));
            facts.put("serviceHeap", "-Xmx" + settings.serviceHeap());
            facts.put("serviceJvmOptions", String.join(" ", settings.serviceJvmOptions()));
            facts.put("loadAverageAtStart", loadAverage());
            facts.put("processes", "orchestrator, PostgreSQL, service and load generator on the same machine");
            return facts;
        }

        static String loadAverage() {
            try {
                return Files.readString(Path.of("/proc/loadavg")).strip();
            } catch (IOException e) {
                return "unknown";
            }
        }

        private static String cpuModel() {
            try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
                return lines.filter(line -> line.startsWith("model name")).findFirst()
                            .map(line -> line.substring(line.indexOf(':') + 1).strip()).orElse("unknown");
            } catch (IOException e) {
                return "unknown";
            }
        }

        private static String memoryTotal() {
            try (Stream<String> lines = Files.lines(Path.of("/proc/meminfo"))) {
                return lines.filter(line -> line.startsWith("MemTotal")).findFirst()
                            .map(line -> line.substring(line.indexOf(':') + 1).strip()).orElse("unknown");
            } catch (IOException e) {
                return "unknown";
            }
        }
    }
}
