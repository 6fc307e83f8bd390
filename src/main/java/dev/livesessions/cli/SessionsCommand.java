package dev.livesessions.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

@Command(name = "sessions", mixinStandardHelpOptions = true,
         description = "List sessions, newest first (archived and deleted ones only when asked for).")
class SessionsCommand implements Callable<Integer> {

    @ParentCommand
    LiveSessionsCli cli;
    @Spec
    CommandSpec spec;

    @Option(names = "--tenant", description = "One tenant only.")
    String tenant;
    @Option(names = "--status", description = "ACTIVE, CLOSED, ARCHIVED or DELETED.")
    String status;
    @Option(names = "--cleanup-status", description = "ACTIVE, INACTIVE, CANDIDATE, ARCHIVED or DELETED.")
    String cleanupStatus;
    @Option(names = "--page", defaultValue = "0", description = "Page, from 0 (default ${DEFAULT-VALUE}).")
    int page;
    @Option(names = "--size", defaultValue = "20", description = "Sessions per page (default ${DEFAULT-VALUE}).")
    int size;

    @Override
    public Integer call() {
        StringBuilder path = new StringBuilder("/api/sessions?page=" + page + "&size=" + size);
        append(path, "tenantId", tenant);
        append(path, "status", status);
        append(path, "cleanupStatus", cleanupStatus);
        JsonNode result = cli.api().get(path.toString());
        var out = spec.commandLine().getOut();
        out.printf("%-30s %-9s %-10s %-27s %-27s %8s %8s%n", "session", "status", "cleanup", "last activity",
                   "closed", "sellers", "codes");
        for (JsonNode session : result.path("sessions")) {
            out.printf("%-30s %-9s %-10s %-27s %-27s %8d %8d%n", session.path("sessionId").asText(),
                       session.path("status").asText(), session.path("cleanupStatus").asText(),
                       session.path("lastActivityAt").asText(), session.path("closedAt").asText("-"),
                       session.path("sellerMessages").asLong(), session.path("clientCodes").asLong());
        }
        out.printf("%d session(s) in all; page %d%n", result.path("totalElements").asLong(), page);
        return ExitCodes.OK;
    }

    private static void append(StringBuilder path, String name, String value) {
        if (value != null) {
            path.append('&').append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
    }
}
