package dev.livesessions.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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
    @Option(names = "--by-tenant", description = "One line per tenant (an admin's token): sessions, active ones, "
                                                 + "cleanup candidates and average hours inactive.")
    boolean byTenant;

    @Override
    public Integer call() {
        ApiClient api = cli.api();
        if (byTenant) {
            if (tenant != null) {
                spec.commandLine().getErr().println("--by-tenant shows every tenant: leave out --tenant");
                return ExitCodes.USAGE;
            }
            return byTenant(api);
        }
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

    /** The session-cleanup guide's "sessions per streamer with activity", one tenant a line, in the order of ids. */
    private int byTenant(ApiClient api) {
        var out = spec.commandLine().getOut();
        out.printf("%-40s %8s %8s %10s %12s%n", "tenant", "total", "active", "candidates", "avg h idle");
        List<String> ids = new ArrayList<>();
        api.get("/api/tenants").forEach(tenant -> ids.add(tenant.path("id").asText()));
        Collections.sort(ids);
        for (String id : ids) {
            JsonNode stats = api.get("/api/stats/" + id);
            out.printf("%-40s %8d %8d %10d %12.1f%n", id, stats.path("totalSessions").asLong(),
                       stats.path("activeSessions").asLong(), stats.path("cleanupCandidates").asLong(),
                       stats.path("averageHoursInactive").asDouble());
        }
        out.printf("%d tenant(s)%n", ids.size());
        return ExitCodes.OK;
    }
}
