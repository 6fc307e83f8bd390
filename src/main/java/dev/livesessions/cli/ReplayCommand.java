package dev.livesessions.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "replay", mixinStandardHelpOptions = true,
         description = {"Rebuild every read model from the event stream (admin), showing its progress; the service "
                        + "keeps answering meanwhile.",
                        "With --verify, rebuild them in memory instead and compare them with the live ones."})
class ReplayCommand implements Callable<Integer> {

    private static final Duration POLL = Duration.ofSeconds(1);

    @ParentCommand
    LiveSessionsCli cli;
    @Spec
    CommandSpec spec;

    @Option(names = "--verify", description = "Compare only: report every difference, change nothing.")
    boolean verify;

    @Override
    public Integer call() throws InterruptedException {
        return verify ? verify() : replay();
    }

    private int verify() {
        JsonNode verification = cli.api().post("/api/replays/verification", Map.of());
        PrintWriter out = spec.commandLine().getOut();
        out.printf("Compared %d session(s) and %d tenant(s) with the stream up to event %d: %d difference(s)%n",
                   verification.path("sessionsCompared").asInt(), verification.path("tenantsCompared").asInt(),
                   verification.path("verifiedUpTo").asLong(), verification.path("differenceCount").asInt());
        verification.path("differences").forEach(difference -> out.println("  " + difference.asText()));
        return verification.path("differenceCount").asInt() == 0 ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /** Starts the replay and draws its progress until the read models are back at the head of the stream. */
    private int replay() throws InterruptedException {
        ApiClient api = cli.api();
        api.post("/api/replays", Map.of());
        PrintWriter err = spec.commandLine().getErr();
        JsonNode progress;
        do {
            Thread.sleep(POLL.toMillis());
            progress = api.get("/api/replays/progress");
            long head = progress.path("head").asLong();
            long position = progress.path("position").asLong(0);
            int filled = head == 0 ? 30 : (int) (30 * Math.min(position, head) / head);
            err.printf("\r[%s%s] %d/%d events%s", "#".repeat(filled), ".".repeat(30 - filled), position, head,
                       progress.hasNonNull("eventsPerSecond")
                               ? String.format(", %.0f/s, %ds to go", progress.path("eventsPerSecond").asDouble(),
                                               progress.path("secondsToGo").asLong()) : "");
            err.flush();
        } while (progress.path("replaying").asBoolean() || progress.path("position").isNull()
                 || progress.path("position").asLong() < progress.path("head").asLong());
        err.println();
        spec.commandLine().getOut().printf("Read models rebuilt: %d events%n", progress.path("position").asLong());
        return ExitCodes.OK;
    }
}
