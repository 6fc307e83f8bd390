package dev.livesessions.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Scenario 3, replay: rebuild every read model from the whole event stream through the API
 * ({@code POST /api/replays}, then {@code GET /api/replays/progress} until it has caught up), against the limit: a
 * raw ordered read of the event table over JDBC with every payload deserialized, in the service's JVM.
 * <p>
 * The stream holds what the earlier scenarios stored; when that is fewer events than asked, live signals are added
 * through the in-process write path (client codes over the spread tenants) until it is not.
 */
final class ReplayScenario {

    static final String NAME = "replay";

    private final Run run;

    ReplayScenario(Run run) {
        this.run = run;
    }

    void run() throws Exception {
        long wanted = run.settings.replayEvents();
        long events = run.database.count("SELECT count(*) FROM domain_event_entry");
        if (events < wanted) {
            IngestionScenario.createSpreadTenants(run);
        }
        for (int round = 1; events < wanted && round <= 5; round++) {
            run.checked(run.inProcess(LoadPlan.counted("replay-fill-" + round, null,
                                                       Workload.cycle(IngestionScenario.spreadPrefix(), 0,
                                                                      run.settings.spreadTenants()),
                                                       16, wanted - events)));
            events = run.database.count("SELECT count(*) FROM domain_event_entry");
        }
        if (events < wanted) {
            throw new IllegalStateException("The store holds " + events + " events after filling, not " + wanted);
        }
        run.awaitReadModels(Duration.ofMinutes(15));

        ProcessCpu.Sample beforeFirstRead = run.cpu.sample();
        BenchEndpoints.RawRead firstRead = run.service.post("/bench/control/raw-read", null,
                                                            BenchEndpoints.RawRead.class);
        ProcessCpu.Sample beforeReplay = run.cpu.sample();
        run.database.resetStatements();
        long started = System.nanoTime();
        run.service.post("/api/replays", null);
        JsonNode finished = awaitReplayed(run.database.eventHead(), Duration.ofMinutes(30));
        double seconds = (System.nanoTime() - started) / 1e9;
        ProcessCpu.Sample afterReplay = run.cpu.sample();
        List<Database.StatementCost> statements = run.database.costliestStatements(12);
        ProcessCpu.Sample beforeSecondRead = run.cpu.sample();
        BenchEndpoints.RawRead secondRead = run.service.post("/bench/control/raw-read", null,
                                                             BenchEndpoints.RawRead.class);
        CpuPerEvent firstReadCpu = CpuPerEvent.of(beforeReplay.since(beforeFirstRead), firstRead.events());
        CpuPerEvent replayCpu = CpuPerEvent.of(afterReplay.since(beforeReplay), events);
        CpuPerEvent secondReadCpu = CpuPerEvent.of(run.cpu.sample().since(beforeSecondRead), secondRead.events());

        double replayRate = events / seconds;
        double rawRate = Math.max(firstRead.eventsPerSecond(), secondRead.eventsPerSecond());
        double ratio = replayRate / rawRate;
        System.out.printf("  replay: %,d events in %.1f s = %,.0f events/s; raw read %,.0f events/s (%s)%n", events,
                          seconds, replayRate, rawRate, Report.ratio(ratio));
        List<String> md = Run.header("Replay",
                "Rebuild of every read model from the whole stream (`POST /api/replays`, polling "
                + "`GET /api/replays/progress`), against a raw ordered JDBC read of `domain_event_entry` with Jackson "
                + "deserialization of every payload, in the service's JVM (before and after the replay; the faster "
                + "counts).");
        md.add("| events | replay time | replay events/s | raw read events/s (before, after) | replay / raw | parked events |");
        md.add("|---|---|---|---|---|---|");
        md.add("| %,d | %s s | %s | %s, %s | %s | %s |".formatted(events, Report.number(seconds),
                Report.number(replayRate), Report.number(firstRead.eventsPerSecond()),
                Report.number(secondRead.eventsPerSecond()), Report.ratio(ratio), finished.path("deadLetters").asText()));
        md.add("");
        md.add("CPU per event, in µs, from `/proc` (the service's process, PostgreSQL's postmaster and backends): "
               + "on a shared machine the rates vary with what else runs, what each event costs much less. The "
               + "replay's busiest threads: " + replayCpu.threadsText() + ".");
        md.add("");
        md.add("| read | service | PostgreSQL | both | replay / raw read |");
        md.add("|---|---|---|---|---|");
        md.add(firstReadCpu.row("raw read, before", Report.ratio(replayCpu.over(firstReadCpu))));
        md.add(replayCpu.row("replay", ""));
        md.add(secondReadCpu.row("raw read, after", Report.ratio(replayCpu.over(secondReadCpu))));
        run.report.target(NAME, "replay ≥ 20 000 events/s (%,d events)".formatted(events),
                          Report.number(replayRate) + " events/s", replayRate >= 20_000);
        run.report.target(NAME, "replay ≥ 0.25× the raw read", Report.ratio(ratio), ratio >= 0.25);
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("events", events);
        results.put("seconds", seconds);
        results.put("eventsPerSecond", replayRate);
        results.put("rawReadBefore", firstRead);
        results.put("rawReadAfter", secondRead);
        results.put("replayOverRaw", ratio);
        Map<String, CpuPerEvent> cpu = new LinkedHashMap<>();
        cpu.put("rawReadBefore", firstReadCpu);
        cpu.put("replay", replayCpu);
        cpu.put("rawReadAfter", secondReadCpu);
        results.put("cpuMicrosPerEvent", cpu);
        results.put("finalProgress", finished);
        Run.reportStatements("during the replay", statements, md, results);
        run.report.scenario(NAME, results, md);
    }

    /** What one event cost in CPU, in µs: the service, PostgreSQL, and the service's threads by kind. */
    record CpuPerEvent(double serviceMicros, double postgresMicros, Map<String, Double> threadMicros) {

        static CpuPerEvent of(ProcessCpu.Sample spent, long events) {
            Map<String, Double> threads = new LinkedHashMap<>();
            spent.serviceThreadSeconds().entrySet().stream()
                 .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                 .forEach(kind -> threads.put(kind.getKey(), kind.getValue() * 1e6 / events));
            return new CpuPerEvent(spent.serviceSeconds() * 1e6 / events, spent.postgresSeconds() * 1e6 / events,
                                   threads);
        }

        double totalMicros() {
            return serviceMicros + postgresMicros;
        }

        /** How many times another read's CPU per event this one's is. */
        double over(CpuPerEvent other) {
            return totalMicros() / other.totalMicros();
        }

        /** A line of the CPU table: the read's name, its three figures, and the given ratio. */
        String row(String read, String ratio) {
            return "| %s | %s | %s | %s | %s |".formatted(read, Report.number(serviceMicros),
                                                         Report.number(postgresMicros), Report.number(totalMicros()),
                                                         ratio);
        }

        /** The threads that took at least a microsecond an event, busiest first. */
        String threadsText() {
            return threadMicros.entrySet().stream()
                               .filter(kind -> kind.getValue() >= 1)
                               .map(kind -> "`%s` %s".formatted(kind.getKey(), Report.number(kind.getValue())))
                               .collect(Collectors.joining(", "));
        }
    }

    /** Polls the replay's progress until it has passed the head of the stream as it was when it began. */
    private JsonNode awaitReplayed(long head, Duration patience) throws Exception {
        long giveUpAt = System.nanoTime() + patience.toNanos();
        long poll = run.settings.mode().equals("smoke") ? 100 : 500;
        while (System.nanoTime() < giveUpAt) {
            JsonNode progress = run.service.get("/api/replays/progress");
            boolean done = !progress.path("replaying").asBoolean()
                           && !progress.path("position").isNull() && progress.path("position").asLong() >= head;
            if (done) {
                return progress;
            }
            Thread.sleep(poll);
        }
        throw new IllegalStateException("The replay did not finish in " + patience);
    }
}
