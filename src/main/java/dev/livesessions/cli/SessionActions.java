package dev.livesessions.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;

/** The manual controls of one session. */
final class SessionActions {

    private SessionActions() {
    }

    @Command(name = "deactivate", mixinStandardHelpOptions = true, description = "Close a session now.")
    static class Deactivate implements Callable<Integer> {

        @ParentCommand
        LiveSessionsCli cli;
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "SESSION", description = "The session id, e.g. acme.12.")
        String sessionId;

        @Override
        public Integer call() {
            return report(spec, cli.api().post("/api/sessions/" + sessionId + "/deactivate", Map.of()));
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
             description = "Delete a session from every view (its history stays; it can be restored).")
    static class Delete implements Callable<Integer> {

        @ParentCommand
        LiveSessionsCli cli;
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "SESSION", description = "The session id, e.g. acme.12.")
        String sessionId;
        @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation.")
        boolean yes;

        @Override
        public Integer call() throws IOException {
            if (!yes) {
                spec.commandLine().getOut().printf("Type %s to delete it: ", sessionId);
                spec.commandLine().getOut().flush();
                String typed = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                if (!sessionId.equals(typed == null ? null : typed.strip())) {
                    spec.commandLine().getErr().println("Not deleted.");
                    return ExitCodes.NOT_CONFIRMED;
                }
            }
            return report(spec, cli.api().delete("/api/sessions/" + sessionId + "?confirm=" + sessionId));
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
             description = "Bring an archived or deleted session back.")
    static class Restore implements Callable<Integer> {

        @ParentCommand
        LiveSessionsCli cli;
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "SESSION", description = "The session id, e.g. acme.12.")
        String sessionId;

        @Override
        public Integer call() {
            return report(spec, cli.api().post("/api/sessions/" + sessionId + "/restore", Map.of()));
        }
    }

    @Command(name = "auto-cleanup", mixinStandardHelpOptions = true,
             description = "Turn a session's automatic archiving on or off.")
    static class AutoCleanup implements Callable<Integer> {

        enum Switch { on, off }

        @ParentCommand
        LiveSessionsCli cli;
        @Spec
        CommandSpec spec;
        @Parameters(index = "0", paramLabel = "SESSION", description = "The session id, e.g. acme.12.")
        String sessionId;
        @Parameters(index = "1", paramLabel = "on|off", description = "on or off.")
        Switch state;

        @Override
        public Integer call() {
            return report(spec, cli.api().put("/api/sessions/" + sessionId + "/auto-cleanup",
                                              Map.of("enabled", state == Switch.on)));
        }
    }

    private static int report(CommandSpec spec, JsonNode action) {
        spec.commandLine().getOut().printf("%s: %s (%s)%n", action.path("sessionId").asText(),
                                           action.path("action").asText(),
                                           action.path("changed").asBoolean() ? "done" : "nothing to change");
        return ExitCodes.OK;
    }
}
