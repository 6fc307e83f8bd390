package dev.livesessions.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.PrintWriter;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The command-line tool: {@code java -jar live-sessions.jar <command>}. It talks to a running service over its HTTP
 * API, so it works the same against a laptop and a production cluster.
 */
@Command(name = "live-sessions", mixinStandardHelpOptions = true, version = "live-sessions CLI",
         description = "Look after the live sessions of a running live-sessions service.",
         subcommands = {HelpCommand.class, StatsCommand.class, SessionsCommand.class, CleanupCommand.class,
                        CronCommand.class,
                        SessionActions.Deactivate.class, SessionActions.Delete.class, SessionActions.Restore.class,
                        SessionActions.AutoCleanup.class, ReplayCommand.class},
         exitCodeListHeading = "%nExit codes:%n",
         exitCodeList = {"0:done", "1:a cleanup run failed or was abandoned, a verification found differences, or a "
                              + "replay stopped, made no progress or parked events",
                         "2:bad usage, or a value the service found invalid", "3:the service refused the request",
                         "4:the service could not be reached, or something else answered at --url",
                         "5:not confirmed (delete)", "6:a verification compared nothing (every tenant changed)"})
public class LiveSessionsCli {

    /** A Spring property given on the command line, which the service takes ({@code --server.port=8081}). */
    private static final Pattern SPRING_PROPERTY = Pattern.compile("--[A-Za-z0-9-]+\\.[A-Za-z0-9.\\[\\]_-]+=.*");
    /** Spring Boot's switches of its own log levels, which the service takes too. */
    private static final Set<String> SPRING_BOOT_FLAGS = Set.of("--debug", "--trace");

    @Option(names = "--url", scope = ScopeType.INHERIT,
            defaultValue = "${env:LIVE_SESSIONS_URL:-http://localhost:8080}",
            description = "The service's base URL (default: $LIVE_SESSIONS_URL or ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--token", scope = ScopeType.INHERIT, defaultValue = "${env:LIVE_SESSIONS_TOKEN}",
            description = "An API token (default: $LIVE_SESSIONS_TOKEN).")
    String token;

    ApiClient api() {
        return new ApiClient(url, token);
    }

    /** Runs the tool with the given arguments, printing to the given writers. @return the exit code */
    public static int run(String[] arguments, PrintWriter out, PrintWriter err) {
        return new CommandLine(new LiveSessionsCli())
                .setOut(out)
                .setErr(err)
                .setExecutionExceptionHandler((exception, commandLine, parseResult) -> {
                    if (exception instanceof ApiClient.ApiException api) {
                        commandLine.getErr().println(api.getMessage());
                        return api.exitCode();
                    }
                    throw exception;
                })
                .execute(arguments);
    }

    /**
     * Whether these arguments are for the command-line tool rather than for starting the service: the service takes
     * none, or only Spring properties ({@code --server.port=8081}) and Spring Boot's own {@code --debug} and
     * {@code --trace}; anything else (a command, {@code --help}, {@code --url ...}) is the tool's.
     */
    public static boolean isFor(String[] arguments) {
        for (String argument : arguments) {
            if (!SPRING_PROPERTY.matcher(argument).matches() && !SPRING_BOOT_FLAGS.contains(argument)) {
                return true;
            }
        }
        return false;
    }

    public static void main(String[] arguments) {
        System.exit(run(arguments, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }
}
