package dev.livesessions.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

@Command(name = "cron", mixinStandardHelpOptions = true,
         description = "A cleanup run for crontab: silent when it succeeds; says why and exits 1 when it fails.")
class CronCommand implements Callable<Integer> {

    @ParentCommand
    LiveSessionsCli cli;
    @Spec
    CommandSpec spec;
    @Mixin
    CleanupOptions options;

    @Override
    public Integer call() throws Exception {
        JsonNode run = CleanupCommand.runToItsEnd(cli.api(), options, false, null);
        if ("SUCCEEDED".equals(run.path("status").asText())) {
            return ExitCodes.OK;
        }
        PrintWriter err = spec.commandLine().getErr();
        err.printf("Cleanup run %s failed: %s%n", run.path("id").asText(), run.path("failure").asText());
        for (JsonNode item : run.path("items")) {
            if (CleanupCommand.FAILED.equals(item.path("outcome").asText())) {
                CleanupCommand.printItem(item, err);
            }
        }
        return ExitCodes.FAILED;
    }
}
