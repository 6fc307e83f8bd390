package dev.livesessions.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
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
        out.printf("%s %s: %d closed, %d archived, %d unchanged, %d failed (of %d)%n",
                   dryRun ? "Dry run" : "Cleanup run", run.path("status").asText(), run.path("closed").asLong(),
                   run.path("archived").asLong(), run.path("unchanged").asLong(), run.path("failed").asLong(),
                   run.path("total").asLong());
        if (verbose) {
            for (JsonNode item : run.path("items")) {
                out.printf("  %-30s %-8s %-9s %s%n", item.path("sessionId").asText(), item.path("action").asText(),
                           item.path("outcome").asText(), item.path("detail").asText(""));
            }
        }
        if (run.hasNonNull("failure")) {
            spec.commandLine().getErr().println("Failure: " + run.path("failure").asText());
        }
        return "SUCCEEDED".equals(run.path("status").asText()) ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /**
     * Starts the run (its id chosen here, so that its progress can be followed while it runs) and returns it when it
     * is done. When the request's answer is lost while the run goes on (a proxy's time limit on a long run, the tool's
     * own, a broken connection), the run is followed to its end instead.
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
                drawn |= draw(progress(api, id), err);
            } catch (ExecutionException e) {
                RuntimeException failure = e.getCause() instanceof RuntimeException runtime
                        ? runtime : new IllegalStateException(e.getCause());
                JsonNode stored = progress(api, id);
                if (stored == null) {
                    throw failure;
                }
                return followToItsEnd(api, stored, failure, drawn, err);
            }
        }
    }

    private static JsonNode followToItsEnd(ApiClient api, JsonNode stored, RuntimeException answerLost,
                                           boolean drawn, PrintWriter err) throws InterruptedException {
        if (err != null) {
            err.printf("%sThe run's answer was lost (%s); following the run until it ends%n", drawn ? "\n" : "",
                       answerLost.getMessage());
        }
        JsonNode run = stored;
        while (RUNNING.equals(run.path("status").asText())) {
            draw(run, err);
            TimeUnit.SECONDS.sleep(1);
            run = api.get("/api/cleanup-runs/" + run.path("id").asText());
        }
        if (draw(run, err)) {
            err.println();
        }
        return run;
    }

    /** @return the run as stored, or null when it is not (yet) */
    private static JsonNode progress(ApiClient api, UUID id) {
        try {
            return api.get("/api/cleanup-runs/" + id);
        } catch (ApiClient.ApiException notStored) {
            return null;
        }
    }

    /** @return whether a progress bar was drawn */
    private static boolean draw(JsonNode progress, PrintWriter err) {
        if (progress == null || err == null) {
            return false;
        }
        long total = progress.path("total").asLong();
        long processed = progress.path("processed").asLong();
        int width = 30;
        int filled = total == 0 ? 0 : (int) (width * processed / total);
        err.printf("\r[%s%s] %d/%d", "#".repeat(filled), ".".repeat(width - filled), processed, total);
        err.flush();
        return true;
    }
}
