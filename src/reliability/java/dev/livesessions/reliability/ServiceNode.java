package dev.livesessions.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One node of the service: {@code java -jar target/live-sessions.jar} in a process of its own, on a port of its own,
 * pointed at the scenario's PostgreSQL. It can be killed the hard way ({@code kill -9}: SIGKILL, no shutdown hook
 * runs) and started again on the same port. Its output goes to a log file under {@code target/reliability/logs}.
 * <p>
 * Every process started here is killed when the test JVM exits, whatever happened, so that a failed run leaves
 * nothing running.
 */
final class ServiceNode implements AutoCloseable {

    static final String ADMIN_TOKEN = "reliability-admin-token-0123456789abcdefghij";

    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();
    private static final HttpClient HTTP = HttpClient.newBuilder()
                                                     .version(HttpClient.Version.HTTP_1_1)
                                                     .connectTimeout(Duration.ofSeconds(2))
                                                     .build();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(
                () -> RUNNING.forEach(Process::destroyForcibly), "kill-service-nodes"));
    }

    private final String name;
    private final String jdbcUrl;
    private final List<String> extraArguments;
    private final int port;
    private Process process;
    private int starts;
    private Duration lastStartToReady;

    ServiceNode(String name, Postgres database, String... extraArguments) {
        this(name, database.jdbcUrl(), extraArguments);
    }

    /** A node that reaches its PostgreSQL at this URL (through a {@link DatabaseLink}, say). */
    ServiceNode(String name, String jdbcUrl, String... extraArguments) {
        this.name = name;
        this.jdbcUrl = jdbcUrl;
        this.extraArguments = List.of(extraArguments);
        this.port = freePort();
    }

    /** Starts the node and waits until /actuator/health says UP. @return the time from process start to ready */
    Duration start() {
        if (isAlive()) {
            throw new IllegalStateException(name + " is running already");
        }
        starts++;
        Path log = Reports.directory().resolve("logs").resolve(name + "-run" + starts + ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                // A node that runs out of memory leaves its heap for a post-mortem, next to its log, and stops (as
                // under a supervisor) rather than limping on with threads that died.
                "-XX:+HeapDumpOnOutOfMemoryError", "-XX:HeapDumpPath=" + log.getParent(), "-XX:+ExitOnOutOfMemoryError",
                "-Daxoniq.update-checker.disabled=true",
                "-jar", jar().toString(),
                "--server.port=" + port,
                "--spring.datasource.url=" + jdbcUrl,
                "--spring.datasource.username=postgres",
                "--live-sessions.security.admin-token=" + ADMIN_TOKEN));
        command.addAll(extraArguments);
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                                                               .redirectOutput(log.toFile());
            builder.environment().put("LOG_FORMAT", ""); // plain text: the logs are read by people
            long startedAt = System.nanoTime();
            process = builder.start();
            RUNNING.add(process);
            // Patient: on a machine shared with other builds a start has taken over three minutes.
            awaitReady(Duration.ofMinutes(6), log);
            lastStartToReady = Duration.ofNanos(System.nanoTime() - startedAt);
            return lastStartToReady;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + name, e);
        }
    }

    /** {@code kill -9}: the process ends at once, in the middle of whatever it was doing. */
    void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            RUNNING.remove(process);
        }
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    String name() {
        return name;
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    Duration lastStartToReady() {
        return lastStartToReady;
    }

    /** Whether the node answers its health check with UP. */
    boolean ready() {
        try {
            HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(url("/actuator/health"))
                                                               .timeout(Duration.ofSeconds(3)).build(),
                                                    HttpResponse.BodyHandlers.ofString());
            return health.statusCode() == 200 && health.body().contains("\"UP\"");
        } catch (IOException notYet) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * One component of the node's health, as an admin sees it. @return its status, {@code "no answer"} when the node
     * did not answer within 3 s, or {@code "missing"}
     */
    String healthOf(String component) {
        try {
            HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(url("/actuator/health"))
                                                               .header("Authorization", "Bearer " + ADMIN_TOKEN)
                                                               .timeout(Duration.ofSeconds(3)).build(),
                                                    HttpResponse.BodyHandlers.ofString());
            return Sender.JSON.readTree(health.body()).path("components").path(component).path("status")
                              .asText("missing");
        } catch (IOException noAnswer) {
            return "no answer";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "no answer";
        }
    }

    private void awaitReady(Duration patience, Path log) throws IOException {
        long giveUpAt = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < giveUpAt) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + tail(log));
            }
            if (ready()) {
                return;
            }
            sleep(Duration.ofMillis(100));
        }
        throw new IllegalStateException(name + " was not ready within " + patience + ":\n" + tail(log));
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("reliability.jar", "target/live-sessions.jar"));
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " does not exist: run the suite with ./mvnw verify -Preliability");
        }
        return jar;
    }

    /** Sleeps for the duration (nothing when it is zero or negative). */
    static void sleep(Duration duration) {
        if (duration.isNegative() || duration.isZero()) {
            return;
        }
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kills the node (it is a test: nothing to finish gracefully). */
    @Override
    public void close() {
        kill();
    }
}
