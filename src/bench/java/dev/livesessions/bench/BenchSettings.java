package dev.livesessions.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The sizes of a run. {@code full} is what the issue asks for; {@code smoke} is tiny, only to show that every
 * scenario runs to its end and writes its results (CI). A few can be overridden with system properties for
 * experiments ({@code -Dbench.duration=...} and so on; see BENCHMARKS.md).
 */
record BenchSettings(String mode,
                     List<String> shapes, List<Integer> concurrencies, int spreadTenants, double jitWarmupSeconds,
                     double warmupSeconds, double durationSeconds,
                     List<Integer> priorEvents, List<Integer> sessionsPerLength, double streamRate,
                     double streamSeconds,
                     int closureTenants, Duration closureWindow, int closurePasses, Duration closureTimeout,
                     long replayEvents,
                     String serviceHeap, List<String> serviceJvmOptions, boolean flightRecording,
                     boolean databaseStatements) {

    /** The ingestion's shapes (see {@link Workload}). */
    static final List<String> SHAPES = List.of("spread", "hot");

    static BenchSettings of(String mode) {
        BenchSettings settings = switch (mode) {
            case "full" -> new BenchSettings("full", SHAPES, List.of(16, 64), 1_000, 40, 5, 20,
                                             List.of(10, 1_000, 10_000), List.of(1_000, 40, 10), 150, 20,
                                             100_000, Duration.ofMinutes(10), 2, Duration.ofMinutes(15),
                                             1_000_000, "512m", List.of(), false, false);
            case "smoke" -> new BenchSettings("smoke", SHAPES, List.of(8), 20, 0, 0.5, 1,
                                              List.of(10, 50, 200), List.of(20, 4, 2), 60, 2,
                                              300, Duration.ofSeconds(3), 2, Duration.ofMinutes(1),
                                              3_000, "512m", List.of(), false, true);
            default -> throw new IllegalArgumentException("bench.mode is full or smoke, not " + mode);
        };
        BenchSettings overridden = settings.withOverrides();
        if (overridden.priorEvents().size() != overridden.sessionsPerLength().size()) {
            throw new IllegalArgumentException("each stream length has its number of sessions: "
                                               + overridden.priorEvents() + " and " + overridden.sessionsPerLength());
        }
        if (!SHAPES.containsAll(overridden.shapes())) {
            throw new IllegalArgumentException("bench.shapes are among " + SHAPES + ", not " + overridden.shapes());
        }
        return overridden;
    }

    private BenchSettings withOverrides() {
        return new BenchSettings(mode, list("bench.shapes", shapes, Function.identity()),
                                 list("bench.senders", concurrencies, Integer::valueOf), spreadTenants,
                                 Double.parseDouble(property("bench.jit-warmup", jitWarmupSeconds)), warmupSeconds,
                                 Double.parseDouble(property("bench.duration", durationSeconds)),
                                 priorEvents, sessionsPerLength, streamRate, streamSeconds,
                                 Integer.parseInt(property("bench.closure.tenants", closureTenants)),
                                 Duration.parse(property("bench.closure.window", closureWindow)),
                                 closurePasses, closureTimeout,
                                 Long.parseLong(property("bench.replay.events", replayEvents)),
                                 property("bench.service.heap", serviceHeap),
                                 words("bench.service.jvm-options", serviceJvmOptions),
                                 Boolean.parseBoolean(property("bench.jfr", flightRecording)),
                                 Boolean.parseBoolean(property("bench.pg-statements", databaseStatements)));
    }

    /** A comma-separated system property, or the mode's list when it is not set. */
    private static <T> List<T> list(String name, List<T> modeValue, Function<String, T> parse) {
        String value = property(name, "");
        return value.isEmpty() ? modeValue : Arrays.stream(value.split(",")).map(String::strip).map(parse).toList();
    }

    /** A whitespace-separated system property, or the mode's list when it is not set. */
    private static List<String> words(String name, List<String> modeValue) {
        String value = property(name, "");
        return value.isEmpty() ? modeValue : List.of(value.split("\\s+"));
    }

    /** A system property, or the mode's value when it is not set or blank (Maven passes unset ones as blank). */
    private static String property(String name, Object modeValue) {
        String value = System.getProperty(name, "");
        return value.isBlank() ? String.valueOf(modeValue) : value.strip();
    }
}
