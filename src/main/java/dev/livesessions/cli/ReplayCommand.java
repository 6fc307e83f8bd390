package dev.livesessions.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "replay", mixinStandardHelpOptions = true,
         description = {"Rebuild every read model from the event stream (admin), showing its progress; the service "
                        + "keeps answering meanwhile.",
                        "With --verify, rebuild them in memory instead and compare them with the live ones."})
class ReplayCommand implements Callable<Integer> {

    private static final Duration POLL = Duration.ofSeconds(1);
    /** A replay that moves on not at all for this long is stuck: its cause is in the service's log. */
    private static final Duration STALLED = Duration.ofMinutes(10);

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
        int leftOut = verification.path("tenantsLeftOut").asInt();
        out.printf("Compared %d session(s) and %d tenant(s) with the stream up to event %d: %d difference(s)%n",
                   verification.path("sessionsCompared").asInt(), verification.path("tenantsCompared").asInt(),
                   verification.path("verifiedUpTo").asLong(), verification.path("differenceCount").asInt());
        verification.path("differences").forEach(difference -> out.println("  " + difference.asText()));
        if (leftOut > 0) {
            out.printf("Left out %d tenant(s) that changed while the read models were compared%n", leftOut);
        }
        if (verification.path("differenceCount").asInt() > 0) {
            return ExitCodes.FAILED;
        }
        // Nothing compared is nothing verified: a script must not read it as read models found right.
        return verification.path("tenantsCompared").asInt() == 0 && leftOut > 0 ? ExitCodes.INCOMPLETE : ExitCodes.OK;
    }

    /**
     * Starts the replay and draws its progress until the read models are past the head the stream had when it began
     * (the stream goes on meanwhile). Fails (1) when the read models stop, make no progress for a while, or park events
     * on the way: those are not in the rebuilt read models until they are retried.
     */
    private int replay() throws InterruptedException {
        ApiClient api = cli.api();
        long target = api.post("/api/replays", Map.of()).path("head").asLong();
        PrintWriter err = spec.commandLine().getErr();
        long position = -1;
        Instant moved = Instant.now();
        JsonNode progress;
        while (true) {
            Thread.sleep(POLL.toMillis());
            try {
                progress = api.get("/api/replays/progress");
            } catch (ApiClient.ApiException notNow) {
                // A busy or restarting service may not answer for a while: that counts as no progress, not an end.
                if (notNow.exitCode() != ExitCodes.UNREACHABLE
                        || Duration.between(moved, Instant.now()).compareTo(STALLED) > 0) {
                    throw notNow;
                }
                continue;
            }
            long now = progress.hasNonNull("position") ? progress.get("position").asLong() : -1;
            draw(err, progress, Math.max(now, 0), target);
            // Global indexes start at 1: a head of 0 is an empty stream, where the read models have no position.
            if (!progress.path("replaying").asBoolean() && (now >= target || target == 0)) {
                break;
            }
            if (!progress.path("running").asBoolean()) {
                err.printf("%nThe read models stopped at event %d of %d; see the service's log%n", now, target);
                return ExitCodes.FAILED;
            }
            if (now > position) {
                position = now;
                moved = Instant.now();
            } else if (Duration.between(moved, Instant.now()).compareTo(STALLED) > 0) {
                err.printf("%nNo progress for %d minutes at event %d of %d; see the service's log%n",
                           STALLED.toMinutes(), now, target);
                return ExitCodes.FAILED;
            }
        }
        err.println();
        long parked = progress.path("deadLetters").asLong();
        if (parked > 0) {
            err.printf("Read models rebuilt up to event %d, but %d event(s) could not be applied and are parked: "
                       + "GET /api/dead-letters says why; POST /api/dead-letters/retry once the cause is gone%n",
                       progress.path("position").asLong(), parked);
            return ExitCodes.FAILED;
        }
        // A position, not a count: the stream's positions leave out those of transactions that rolled back.
        spec.commandLine().getOut().println(target == 0 ? "Read models rebuilt: the stream is empty"
                : "Read models rebuilt up to event " + progress.path("position").asLong());
        return ExitCodes.OK;
    }

    private static void draw(PrintWriter err, JsonNode progress, long position, long target) {
        int filled = target == 0 ? 30 : (int) (30 * Math.min(position, target) / target);
        err.printf("\r[%s%s] %d/%d events%s%s", "#".repeat(filled), ".".repeat(30 - filled), position, target,
                   progress.hasNonNull("eventsPerSecond")
                           ? String.format(", %.0f/s", progress.path("eventsPerSecond").asDouble()) : "",
                   // None while the read models make no progress: no time can be told then.
                   progress.hasNonNull("secondsToGo")
                           ? String.format(", %ds to go", progress.path("secondsToGo").asLong()) : "");
        err.flush();
    }
}
