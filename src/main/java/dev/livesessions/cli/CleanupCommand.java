package dev.livesessions.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

@Command(name = "cleanup", mixinStandardHelpOptions = true,
         description = "Run a cleanup: close idle active sessions, archive old ones with auto-cleanup.")
class CleanupCommand implements Callable<Integer> {

    private static final String RUNNING = "RUNNING";
    static final String FAILED = "FAILED";
    /** How often the tool asks whether a run whose answer was lost is stored, before it reports the lost answer. */
    private static final int LOOKS_FOR_A_LOST_RUN = 5;
    private static final Duration LOOK_AGAIN_AFTER = Duration.ofSeconds(2);
    /** As long as the service waits before it calls a silent run abandoned, by default. */
    private static final Duration GIVE_UP_AFTER = Duration.ofMinutes(10);

    @ParentCommand
    LiveSessionsCli cli;
    @Spec
    CommandSpec spec;
    @Mixin
    CleanupOptions options;

    @Option(names = "--dry-run", description = "Report what would be done, and change nothing.")
    boolean dryRun;
    @Option(names = {"-v", "--verbose"}, description = "List what was (or would be) done to each session.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        JsonNode run = runToItsEnd(cli.api(), options, dryRun, spec.commandLine().getErr());
        PrintWriter out = spec.commandLine().getOut();
        if (dryRun) {
            out.printf("Dry run %s: would close %d, would archive %d, %d unchanged, %d failed (of %d)%n",
                       run.path("status").asText(), run.path("closed").asLong(), run.path("archived").asLong(),
                       run.path("unchanged").asLong(), run.path("failed").asLong(), run.path("total").asLong());
        } else {
            out.printf("Cleanup run %s: %d closed, %d archived, %d unchanged, %d failed (of %d)%n",
                       run.path("status").asText(), run.path("closed").asLong(), run.path("archived").asLong(),
                       run.path("unchanged").asLong(), run.path("failed").asLong(), run.path("total").asLong());
        }
        boolean succeeded = "SUCCEEDED".equals(run.path("status").asText());
        for (JsonNode item : run.path("items")) {
            if (verbose || !succeeded && FAILED.equals(item.path("outcome").asText())) {
                printItem(item, out);
            }
        }
        if (run.hasNonNull("failure")) {
            spec.commandLine().getErr().println("Failure: " + run.path("failure").asText());
        }
        return succeeded ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /** One session's line: its id, what the run did (or would do) to it, how that went, and why when it failed. */
    static void printItem(JsonNode item, PrintWriter to) {
        to.printf("  %-30s %-8s %-9s %s%n", item.path("sessionId").asText(), item.path("action").asText(),
                  item.path("outcome").asText(), item.path("detail").asText(""));
    }

    /**
     * Starts the run (its id chosen here, so that its progress can be followed while it runs) and returns it when it
     * is done. When the request's answer is lost while the run goes on (a proxy's time limit on a long run, the tool's
     * own, a broken connection), the run is followed to its end instead; a request the service turned down (a 4xx)
     * is not looked for.
     *
     * @param err where a progress bar is drawn; null for none
     */
    static JsonNode runToItsEnd(ApiClient api, CleanupOptions options, boolean dryRun, PrintWriter err)
            throws Exception {
        UUID id = UUID.randomUUID();
        CompletableFuture<JsonNode> run = CompletableFuture.supplyAsync(
                () -> api.post("/api/cleanup-runs", options.request(id, dryRun)));
        boolean drawn = false;
        while (true) {
            try {
                JsonNode done = run.get(300, TimeUnit.MILLISECONDS);
                if (drawn) {
                    err.println();
                }
                return done;
            } catch (TimeoutException stillRunning) {
                if (err != null) {
                    drawn |= draw(progress(api, id), err);
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof ApiClient.ApiException refusal && refusal.turnedDown()) {
                    throw refusal;
                }
                RuntimeException answerLost = e.getCause() instanceof RuntimeException runtime
                        ? runtime : new IllegalStateException(e.getCause());
                JsonNode stored = storedRun(api, id);
                if (stored == null) {
                    throw answerLost;
                }
                return followToItsEnd(api, id, stored, answerLost, drawn, err);
            }
        }
    }

    /**
     * @return the run as the service stored it, or null when it has none (the request was refused, or never arrived)
     *         or cannot say within a few looks (whatever broke the request's answer may take a moment to mend)
     */
    private static JsonNode storedRun(ApiClient api, UUID id) throws InterruptedException {
        for (int look = 1; ; look++) {
            try {
                return api.get(progressOf(id));
            } catch (ApiClient.ApiException e) {
                if (e.notFound() || look == LOOKS_FOR_A_LOST_RUN) {
                    return null;
                }
            }
            Thread.sleep(LOOK_AGAIN_AFTER.toMillis());
        }
    }

    /**
     * Follows the run's progress until it ends, through outages of the service shorter than {@link #GIVE_UP_AFTER},
     * and then reads it whole, with what it did to each session.
     */
    private static JsonNode followToItsEnd(ApiClient api, UUID id, JsonNode stored, RuntimeException answerLost,
                                           boolean drawn, PrintWriter err) throws InterruptedException {
        if (err != null) {
            err.printf("%sThe run's answer was lost (%s); following the run until it ends%n", drawn ? "\n" : "",
                       answerLost.getMessage());
        }
        JsonNode run = stored;
        Instant failingSince = null;
        while (true) {
            boolean running = RUNNING.equals(run.path("status").asText());
            if (running) {
                draw(run, err);
            }
            if (running || failingSince != null) {
                Thread.sleep(failingSince == null ? 1000 : LOOK_AGAIN_AFTER.toMillis());
            }
            try {
                if (!running) {
                    JsonNode whole = api.getLarge("/api/cleanup-runs/" + id);
                    if (draw(whole, err)) {
                        err.println();
                    }
                    return whole;
                }
                run = api.get(progressOf(id));
                failingSince = null;
            } catch (ApiClient.ApiException e) {
                failingSince = failingSince != null ? failingSince : Instant.now();
                if (e.notFound() || Duration.between(failingSince, Instant.now()).compareTo(GIVE_UP_AFTER) > 0) {
                    throw e;
                }
            }
        }
    }

    /** The run without its items: what a progress bar needs, however many sessions the run has done. */
    private static String progressOf(UUID id) {
        return "/api/cleanup-runs/" + id + "?items=false";
    }

    /** @return the run as stored, or null when it cannot be read now (not stored yet, or the service not answering) */
    private static JsonNode progress(ApiClient api, UUID id) {
        try {
            return api.get(progressOf(id));
        } catch (ApiClient.ApiException notStored) {
            return null;
        }
    }

    /** @return whether a progress bar was drawn */
    static boolean draw(JsonNode progress, PrintWriter err) {
        if (progress == null || err == null) {
            return false;
        }
        long total = progress.path("total").asLong();
        long processed = progress.path("processed").asLong();
        int width = 30;
        // A run counts each phase's sessions as it begins: more may come its way (auto-cleanup turned on meanwhile).
        int filled = total == 0 ? 0 : (int) (width * Math.min(processed, total) / total);
        err.printf("\r[%s%s] %d/%d", "#".repeat(filled), ".".repeat(width - filled), processed, total);
        err.flush();
        return true;
    }
}
