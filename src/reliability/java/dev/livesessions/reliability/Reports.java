package dev.livesessions.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures of a run, written to {@code target/reliability/results.md} after every scenario (so a run that fails
 * half-way still leaves the figures it got): one table per scenario, and the facts of the machine it ran on.
 */
final class Reports {

    /** One scenario's figures, in the order they were put. */
    static final class Scenario {

        private final String key;
        private final String title;
        private final String description;
        private final Map<String, String> figures = new LinkedHashMap<>();
        private final List<String> notes = new ArrayList<>();
        private final long startedAt = System.nanoTime();

        Scenario(String key, String title, String description) {
            this.key = key;
            this.title = title;
            this.description = description;
        }

        String key() {
            return key;
        }

        Scenario put(String measure, Object value) {
            figures.put(measure, String.valueOf(value));
            return this;
        }

        /** Something worth reading next to the table, such as the first few ids of a violation. */
        Scenario note(String note) {
            notes.add(note);
            return this;
        }

        /** Adds the scenario's duration and writes the results file. */
        void finish() {
            put("scenario duration", seconds(Duration.ofNanos(System.nanoTime() - startedAt)));
            Reports.add(this);
        }
    }

    private static final Map<String, Scenario> SCENARIOS = new TreeMap<>();
    private static final Instant RUN_STARTED = Instant.now();
    private static final String LOAD_AT_START = loadAverage();
    private static volatile String postgresVersion = "?";

    static {
        // The logs and evidence of an earlier run would be mistaken for this one's.
        Postgres.deleteRecursively(directory().resolve("logs"));
        Postgres.deleteRecursively(directory().resolve("evidence"));
    }

    private Reports() {
    }

    static Path directory() {
        return Path.of(System.getProperty("reliability.output", "target/reliability"));
    }

    static void postgresVersion(String version) {
        postgresVersion = version;
    }

    private static synchronized void add(Scenario scenario) {
        SCENARIOS.put(scenario.key, scenario);
        write();
    }

    private static void write() {
        Mode mode = Mode.current();
        StringBuilder md = new StringBuilder();
        md.append("# Reliability results (").append(mode.name()).append(" mode)\n\n");
        md.append("Written by the reliability suite (src/reliability); see RELIABILITY.md for what each scenario ")
          .append("does and checks.\n\n");
        md.append("| machine | |\n|---|---|\n");
        md.append("| run started | ").append(RUN_STARTED.truncatedTo(ChronoUnit.SECONDS)).append(" |\n");
        md.append("| cores seen by the JVM | ").append(Runtime.getRuntime().availableProcessors()).append(" |\n");
        md.append("| memory | ").append(memory()).append(" |\n");
        md.append("| OS | ").append(System.getProperty("os.name")).append(' ')
          .append(System.getProperty("os.version")).append(" |\n");
        md.append("| Java | ").append(System.getProperty("java.vm.name")).append(' ')
          .append(System.getProperty("java.version")).append(" |\n");
        md.append("| PostgreSQL | ").append(postgresVersion)
          .append(" (embedded, synchronous_commit=on, local disk) |\n");
        md.append("| load average at start / now | ").append(LOAD_AT_START).append(" / ").append(loadAverage())
          .append(" (the machine may be shared with other builds) |\n\n");
        for (Scenario scenario : SCENARIOS.values()) {
            md.append("## ").append(scenario.title).append("\n\n").append(scenario.description).append("\n\n");
            md.append("| measure | value |\n|---|---|\n");
            scenario.figures.forEach((measure, value) -> md.append("| ").append(measure).append(" | ")
                                                           .append(value.replace("|", "\\|")).append(" |\n"));
            md.append('\n');
            scenario.notes.forEach(note -> md.append("- ").append(note).append('\n'));
            if (!scenario.notes.isEmpty()) {
                md.append('\n');
            }
        }
        try {
            Files.createDirectories(directory());
            Files.writeString(directory().resolve("results.md"), md);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String seconds(Duration duration) {
        return String.format("%.1f s", duration.toMillis() / 1000.0);
    }

    static String millis(Duration duration) {
        return duration.toMillis() + " ms";
    }

    /** The first few items of a list, for a note: enough to find the evidence, not a wall of ids. */
    static String firstFew(List<?> items) {
        return items.size() <= 5 ? items.toString() : items.subList(0, 5) + " and " + (items.size() - 5) + " more";
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static String memory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024 / 1024 + " GiB";
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux
        }
        return "?";
    }
}
