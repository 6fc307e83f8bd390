package dev.livesessions.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "stats", mixinStandardHelpOptions = true,
         description = "Session statistics, of one tenant or of all.")
class StatsCommand implements Callable<Integer> {

    @ParentCommand
    LiveSessionsCli cli;
    @Spec
    CommandSpec spec;

    @Option(names = "--tenant", description = "One tenant only (a streamer's or viewer's token: its own).")
    String tenant;

    @Override
    public Integer call() {
        ApiClient api = cli.api();
        String shown = tenant != null ? tenant : api.get("/api/me").path("tenantId").textValue();
        JsonNode stats = api.get(shown == null ? "/api/stats" : "/api/stats/" + shown);
        var out = spec.commandLine().getOut();
        out.printf("%-26s %s%n", "tenant", shown == null ? "(all)" : shown);
        for (String field : new String[] {"totalSessions", "activeSessions", "inactiveSessions", "oldSessions",
                                          "archivedSessions", "deletedSessions", "cleanupCandidates",
                                          "liveMessages"}) {
            out.printf("%-26s %d%n", field, stats.path(field).asLong());
        }
        out.printf("%-26s %.1f %%%n", "activityRate", 100 * stats.path("activityRate").asDouble());
        out.printf("%-26s %.1f %%%n", "cleanupEfficiency", 100 * stats.path("cleanupEfficiency").asDouble());
        out.printf("%-26s %.1f%n", "averageHoursInactive", stats.path("averageHoursInactive").asDouble());
        out.printf("%-26s %s%n", "averageSessionDuration", stats.path("averageSessionDuration").asText());
        return ExitCodes.OK;
    }
}
