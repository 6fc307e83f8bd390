package dev.livesessions.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
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
import java.util.concurrent.TimeUnit;

/**
 * The service under test, in a JVM of its own: the real application ({@code LiveSessionsApplication}) with the bench
 * classes on its classpath, pointed at the run's PostgreSQL. Every call to {@code /api/**} and to the bench's control
 * endpoints carries the admin token as a bearer token.
 */
final class ServiceProcess implements AutoCloseable {

    private static final String MAIN_CLASS = "dev.livesessions.LiveSessionsApplication";

    private final Process process;
    private final int port;
    private final String adminToken;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ServiceProcess(Process process, int port, String adminToken, Path log) {
        this.process = process;
        this.port = port;
        this.adminToken = adminToken;
        this.log = log;
    }

    static ServiceProcess start(BenchSettings settings, String classpath, Database database, long postgresPid,
                                String adminToken, Path runDirectory) throws IOException, InterruptedException {
        int port = freePort();
        Path log = runDirectory.resolve("service.log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + settings.serviceHeap(),
                "-Daxoniq.update-checker.disabled=true",
                "-Dbench.orchestrator-pid=" + ProcessHandle.current().pid(),
                "-Dbench.postgres-pid=" + postgresPid));
        command.addAll(settings.serviceJvmOptions());
        if (settings.flightRecording()) {
            command.add("-XX:StartFlightRecording=filename=" + runDirectory.resolve("service.jfr") + ",settings=profile");
        }
        command.addAll(List.of(
                "-cp", classpath, MAIN_CLASS,
                "--server.port=" + port,
                "--spring.datasource.url=" + database.jdbcUrl(),
                "--spring.datasource.username=postgres",
                "--live-sessions.security.admin-token=" + adminToken,
                "--bench.endpoints.enabled=true"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                                                           .redirectOutput(log.toFile());
        builder.environment().put("LOG_FORMAT", ""); // plain text logs, easier to read in service.log
        builder.environment().put("LIVE_SESSIONS_ADMIN_TOKEN", adminToken);
        builder.environment().put("AXONIQ_UPDATE_CHECKER_DISABLED", "true");
        ServiceProcess service = new ServiceProcess(builder.start(), port, adminToken, log);
        service.awaitHealthy(Duration.ofMinutes(3));
        return service;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private void awaitHealthy(Duration patience) throws InterruptedException, IOException {
        long giveUpAt = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < giveUpAt) {
            if (!process.isAlive()) {
                throw new IllegalStateException("The service exited with " + process.exitValue() + ":\n" + logTail());
            }
            try {
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(url("/actuator/health"))
                                                                   .timeout(Duration.ofSeconds(5)).build(),
                                                        HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("The service did not become healthy in " + patience + ":\n" + logTail());
    }

    String logTail() throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    long pid() {
        return process.pid();
    }

    /** Resident set size of the service's process, from /proc (Linux). */
    long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for process " + process.pid());
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        return call(HttpRequest.newBuilder(url(path)).GET(), path);
    }

    JsonNode post(String path, Object body) throws IOException, InterruptedException {
        String json = body == null ? "{}" : Json.MAPPER.writeValueAsString(body);
        return call(HttpRequest.newBuilder(url(path)).header("Content-Type", "application/json")
                               .POST(HttpRequest.BodyPublishers.ofString(json)), path);
    }

    <T> T post(String path, Object body, Class<T> answer) throws IOException, InterruptedException {
        return Json.MAPPER.treeToValue(post(path, body), answer);
    }

    private JsonNode call(HttpRequest.Builder request, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request.header("Authorization", "Bearer " + adminToken)
                                                         .timeout(Duration.ofMinutes(30)).build(),
                                                  HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body().isBlank() ? Json.MAPPER.nullNode() : Json.MAPPER.readTree(response.body());
    }

    /** Creates a tenant through the API, as a user would. */
    void createTenant(String id, String sellerPhone, Duration inactivityWindow) throws IOException,
            InterruptedException {
        var tenant = new java.util.LinkedHashMap<String, Object>();
        tenant.put("id", id);
        tenant.put("name", "Bench " + id);
        tenant.put("sellerPhones", List.of(sellerPhone));
        tenant.put("webhookSecret", BenchTenants.secret(id));
        if (inactivityWindow != null) {
            tenant.put("inactivityWindow", inactivityWindow.toString());
        }
        post("/api/tenants", tenant);
    }

    /** Asks the service to stop (it finishes what it has taken), and kills it if it does not within 30 seconds. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
