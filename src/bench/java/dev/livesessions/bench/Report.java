package dev.livesessions.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The results of a run: {@code results.json} (everything measured, for tools) and {@code results.md} (the tables a
 * person reads: absolutes, ratios to the baselines of the same run, and each target met or missed). Both are
 * rewritten after every scenario, so that a run that fails half-way still leaves what it measured.
 */
final class Report {

    /** A target of the issue, and how this run did against it. {@code met} is null when it was not measured. */
    record Target(String scenario, String target, String measured, Boolean met) {
    }

    private final Path directory;
    private final Map<String, Object> json = new LinkedHashMap<>();
    private final Map<String, Object> scenarios = new LinkedHashMap<>();
    private final Map<String, List<String>> markdown = new LinkedHashMap<>();
    private final List<Target> targets = new ArrayList<>();
    private final Map<String, String> errors = new LinkedHashMap<>();

    Report(Path directory, BenchSettings settings) {
        this.directory = directory;
        json.put("mode", settings.mode());
        json.put("startedAt", Instant.now().toString());
        json.put("settings", settings);
        json.put("scenarios", scenarios);
        json.put("targets", targets);
        json.put("errors", errors);
    }

    void machine(Map<String, Object> facts) {
        json.put("machine", facts);
    }

    void put(String key, Object value) {
        json.put(key, value);
    }

    /** A scenario's measurements, and the Markdown lines that present them. */
    void scenario(String name, Object results, List<String> lines) {
        scenarios.put(name, results);
        markdown.put(name, lines);
    }

    void target(String scenario, String target, String measured, Boolean met) {
        targets.add(new Target(scenario, target, measured, met));
    }

    void failed(String scenario, Throwable failure) {
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        errors.put(scenario, trace.toString());
    }

    boolean hasErrors() {
        return !errors.isEmpty();
    }

    Map<String, String> errors() {
        return errors;
    }

    boolean has(String scenario) {
        return scenarios.containsKey(scenario);
    }

    void write() throws IOException {
        Files.createDirectories(directory);
        json.put("writtenAt", Instant.now().toString());
        Json.MAPPER.writeValue(directory.resolve("results.json").toFile(), json);
        Files.writeString(directory.resolve("results.md"), markdown());
    }

    @SuppressWarnings("unchecked")
    private String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmark results (").append(json.get("mode")).append(" mode)\n\n");
        md.append("Started ").append(json.get("startedAt")).append(", written ").append(json.get("writtenAt"))
          .append(". Figures are only comparable within one run: every ratio compares measurements of this run ")
          .append("against the same PostgreSQL.\n\n## Machine\n\n| fact | value |\n|---|---|\n");
        ((Map<String, Object>) json.getOrDefault("machine", Map.of()))
                .forEach((fact, value) -> md.append("| ").append(fact).append(" | ").append(value).append(" |\n"));
        md.append("\n## Targets\n\n| scenario | target | measured | met |\n|---|---|---|---|\n");
        for (Target target : targets) {
            md.append("| ").append(target.scenario()).append(" | ").append(target.target()).append(" | ")
              .append(target.measured()).append(" | ")
              .append(target.met() == null ? "not measured" : target.met() ? "yes" : "**no**").append(" |\n");
        }
        markdown.forEach((scenario, lines) -> {
            md.append('\n');
            lines.forEach(line -> md.append(line).append('\n'));
        });
        if (!errors.isEmpty()) {
            md.append("\n## Errors\n\n");
            errors.forEach((scenario, trace) -> md.append("- ").append(scenario).append(": `")
                                                 .append(trace.lines().findFirst().orElse("")).append("`\n"));
        }
        return md.toString();
    }

    static String number(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "n/a";
        }
        return Math.abs(value) >= 100 ? String.format(Locale.ROOT, "%,.0f", value)
                : String.format(Locale.ROOT, "%.2f", value);
    }

    static String ratio(double value) {
        return Double.isNaN(value) || Double.isInfinite(value) ? "n/a" : String.format(Locale.ROOT, "%.2f×", value);
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.0f MiB", bytes / 1024.0 / 1024.0);
    }
}
