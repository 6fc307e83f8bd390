package dev.livesessions.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.livesessions.Http;
import dev.livesessions.IntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

import static dev.livesessions.Http.uniqueTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The command-line tool, run in this JVM against the running service over HTTP. */
@IntegrationTest
class CliIntegrationTest {

    /** What a run of the tool printed, and how it exited. */
    record Result(int exitCode, String out, String err) {
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;

    private String tenant;
    private String sessionId;

    @BeforeEach
    void aTenantWithASession() {
        Http http = new Http(port);
        tenant = uniqueTenant("cli");
        http.createTenant(tenant, null, "+33600000000");
        sessionId = http.message(tenant, "m1", "+33600000000", "live").body().get("sessionId").asText();
        // The opening and its first message may reach the read models in two batches: the stats count both.
        await().until(() -> http.get("/api/sessions/" + sessionId).body().path("sellerMessages").asLong() == 1);
    }

    /** Read-model rows without events (made to fail a cleanup) would be differences for a later verification. */
    @AfterEach
    void forgetRowsWithoutEvents() {
        jdbc.update("DELETE FROM live_session WHERE session_id = ?", tenant + ".9");
    }

    @Test
    void statsAndSessionsShowWhatTheServiceKnows() {
        Result stats = cli("stats", "--tenant", tenant);
        Result sessions = cli("sessions", "--tenant", tenant);

        assertThat(stats.exitCode()).isZero();
        assertThat(stats.out()).contains("activeSessions             1").contains("liveMessages               1");
        assertThat(sessions.exitCode()).isZero();
        assertThat(sessions.out()).contains(sessionId).contains("ACTIVE").contains("1 session(s) in all");
    }

    /** The session-cleanup guide's sessions per streamer: one line per tenant, for an admin. */
    @Test
    void statsByTenantGiveEachTenantItsLine() {
        Result byTenant = cli("stats", "--by-tenant");

        assertThat(byTenant.exitCode()).isZero();
        assertThat(byTenant.out().lines().filter(line -> line.startsWith(tenant + " ")))
                .singleElement().asString().matches(Pattern.quote(tenant) + " +1 +1 +0 +0\\.0");
        assertThat(cli("stats", "--by-tenant", "--tenant", tenant).exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    /** A streamer's token reads its own tenant's statistics without being told which tenant that is. */
    @Test
    void statsWithAStreamersTokenAreItsTenants() {
        JsonNode token = new Http(port).post("/api/tokens", Map.of("name", "streamer", "role", "STREAMER",
                                                                   "tenantId", tenant)).body();

        Result stats = run("--url", "http://localhost:" + port, "--token", token.get("token").asText(), "stats");

        assertThat(stats.exitCode()).isZero();
        assertThat(stats.out()).contains("tenant                     " + tenant)
                               .contains("activeSessions             1");
    }

    @Test
    void theManualControlsChangeTheSessionAndSayWhenThereIsNothingToChange() {
        assertThat(cli("deactivate", sessionId).out()).contains("deactivate (done)");
        assertThat(cli("deactivate", sessionId).out()).contains("deactivate (nothing to change)");
        assertThat(cli("auto-cleanup", sessionId, "off").out()).contains("auto-cleanup off (done)");
        assertThat(cli("delete", sessionId, "--yes").out()).contains("delete (done)");
        assertThat(cli("restore", sessionId).out()).contains("restore (done)");
    }

    @Test
    void deleteAsksForTheSessionIdAndDoesNothingWithoutIt() {
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream("no\n".getBytes(StandardCharsets.UTF_8)));
            Result refused = cli("delete", sessionId);

            assertThat(refused.exitCode()).isEqualTo(ExitCodes.NOT_CONFIRMED);
            assertThat(refused.err()).contains("Not deleted.");

            System.setIn(new ByteArrayInputStream((sessionId + "\n").getBytes(StandardCharsets.UTF_8)));
            assertThat(cli("delete", sessionId).out()).contains("delete (done)");
        } finally {
            System.setIn(stdin);
        }
    }

    @Test
    void aDryRunCleanupListsWhatItWouldDoSessionBySession() {
        anIdleActiveSession(tenant + ".9");

        Result dryRun = cli("cleanup", "--dry-run", "--verbose", "--tenant", tenant, "--quick");

        assertThat(dryRun.exitCode()).isZero();
        assertThat(dryRun.out()).contains("Dry run SUCCEEDED: would close 1, would archive 0");
        assertThat(dryRun.out().lines().filter(line -> line.contains(tenant + ".9")))
                .singleElement().asString().contains("CLOSE");
        assertThat(jdbc.queryForObject("SELECT status FROM live_session WHERE session_id = ?", String.class,
                                       tenant + ".9")).isEqualTo("ACTIVE");
    }

    @Test
    void theServiceUrlCanBeGivenBeforeOrAfterTheCommand() {
        Result after = run("stats", "--tenant", tenant, "--url", "http://localhost:" + port,
                           "--token", Http.ADMIN_TOKEN);

        assertThat(after.exitCode()).isZero();
        assertThat(after.out()).contains("activeSessions             1");
    }

    @Test
    void theJarStartsTheServiceOnlyWithoutArgumentsOrWithSpringPropertiesAlone() {
        assertThat(LiveSessionsCli.isFor(new String[] {})).isFalse();
        assertThat(LiveSessionsCli.isFor(new String[] {"--server.port=8081", "--spring.profiles.active=x"})).isFalse();
        assertThat(LiveSessionsCli.isFor(new String[] {"--debug"})).isFalse();
        assertThat(LiveSessionsCli.isFor(new String[] {"--trace", "--server.port=8081"})).isFalse();
        assertThat(LiveSessionsCli.isFor(new String[] {"stats"})).isTrue();
        assertThat(LiveSessionsCli.isFor(new String[] {"--url", "http://example.com:8080", "stats"})).isTrue();
        assertThat(LiveSessionsCli.isFor(new String[] {"--url=http://example.com", "stats"})).isTrue();
        assertThat(LiveSessionsCli.isFor(new String[] {"--help"})).isTrue();
    }

    @Test
    void cronIsSilentWhenTheRunSucceedsAndExits1WhenItFails() {
        Result quiet = cli("cron", "--tenant", tenant);

        assertThat(quiet.exitCode()).isZero();
        assertThat(quiet.out()).isEmpty();
        assertThat(quiet.err()).isEmpty();

        anIdleActiveSession(tenant + ".9");
        Result failed = cli("cron", "--tenant", tenant);

        assertThat(failed.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(failed.err()).contains("failed");
        // What failed, in the cron's mail or log: the session, and why.
        assertThat(failed.err().lines().filter(line -> line.contains(tenant + ".9")))
                .singleElement().asString().contains("CLOSE", "FAILED");
    }

    @Test
    void aCleanupRunThatFailedNamesTheSessionsThatFailedWithoutBeingAskedTo() {
        anIdleActiveSession(tenant + ".9");

        Result failed = cli("cleanup", "--tenant", tenant);

        assertThat(failed.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(failed.out()).contains("Cleanup run FAILED: 0 closed, 0 archived, 0 unchanged, 1 failed (of 1)");
        assertThat(failed.out().lines().filter(line -> line.contains(tenant + ".9")))
                .singleElement().asString().contains("CLOSE", "FAILED");
    }

    @Test
    void errorsGetTheirOwnExitCodes() {
        assertThat(cli("deactivate", "nobody.1").exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(cli("stats", "--no-such-option").exitCode()).isEqualTo(ExitCodes.USAGE);
        Result unreachable = run("--url", "http://localhost:1", "stats");
        assertThat(unreachable.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(unreachable.err()).contains("Cannot reach the service");
        Result noScheme = run("--url", "localhost:" + port, "stats");
        assertThat(noScheme.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(noScheme.err()).contains("see --url");
        assertThat(cli("deactivate", "not an id").exitCode()).isEqualTo(ExitCodes.USAGE);
        // Values only the service can judge: it answers 400.
        assertThat(cli("sessions", "--status", "LIVE").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(cli("sessions", "--size", "0").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(cli("cleanup", "--dry-run", "--inactive-hours", "-1").exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    /** A token read from a file with Windows line endings ends with a carriage return; one with a space is a typo. */
    @Test
    void aTokenIsTakenWithoutTheLineBreakAroundItAndAMalformedOneIsNeverPrinted() {
        String url = "http://localhost:" + port;
        assertThat(run("--url", url, "--token", Http.ADMIN_TOKEN + "\r\n", "stats", "--tenant", tenant).exitCode())
                .isZero();

        for (String malformed : List.of("secret-part " + Http.ADMIN_TOKEN, "\uFEFFsecret-part" + Http.ADMIN_TOKEN)) {
            Result refused = run("--url", url, "--token", malformed, "stats");
            assertThat(refused.exitCode()).isEqualTo(ExitCodes.USAGE);
            assertThat(refused.err()).contains("see --token").doesNotContain("secret-part");
        }
    }

    @Test
    void somethingElseAnsweringAtTheUrlIsReportedAsNotTheService() throws IOException {
        HttpServer notTheService = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        notTheService.createContext("/page/", exchange -> answer(exchange, 200, "text/html", "<html>Welcome</html>"));
        notTheService.createContext("/proxy/", exchange -> answer(exchange, 502, "text/html",
                                                                   "<html><h1>502 Bad Gateway</h1></html>"));
        notTheService.createContext("/gateway/", exchange -> answer(exchange, 503, "{\"detail\":\"No upstream\"}"));
        notTheService.createContext("/empty/", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        notTheService.createContext("/moved/", exchange -> {
            exchange.getResponseHeaders().add("Location", "https://elsewhere.example/api/stats");
            exchange.sendResponseHeaders(301, -1);
            exchange.close();
        });
        notTheService.start();
        try {
            String base = "http://localhost:" + notTheService.getAddress().getPort();

            Result page = run("--url", base + "/page", "stats");
            Result moved = run("--url", base + "/moved", "deactivate", "acme.1");
            Result downBehindAProxy = run("--url", base + "/proxy", "stats");
            Result downBehindAGateway = run("--url", base + "/gateway", "stats", "--tenant", "acme");
            Result empty = run("--url", base + "/empty", "stats");

            assertThat(page.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
            assertThat(page.err()).contains("is not the service (200)");
            assertThat(moved.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
            assertThat(moved.err()).contains("is not the service (301, to https://elsewhere.example/api/stats)");
            assertThat(downBehindAProxy.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
            assertThat(downBehindAProxy.err()).contains("is not the service (502)").doesNotContain("<html>");
            assertThat(downBehindAGateway.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
            assertThat(downBehindAGateway.err()).contains("The service answered 503: No upstream");
            assertThat(empty.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
            assertThat(empty.err()).contains("is not the service (200, with no answer)").doesNotContain("Exception");
        } finally {
            notTheService.stop(0);
        }
    }

    /**
     * A proxy in front of the service gives up on a long run's request, and answers nothing else for a moment; the run
     * goes on, and ends well. Its progress is read without what it did to each session, which is read once, at its end.
     */
    @Test
    void aRunWhoseAnswerIsLostIsFollowedToItsEnd() throws IOException {
        HttpServer behindAProxy = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        AtomicInteger looks = new AtomicInteger();
        List<String> asked = new CopyOnWriteArrayList<>();
        behindAProxy.createContext("/api/cleanup-runs", exchange -> {
            if (exchange.getRequestMethod().equals("POST")) {
                answer(exchange, 504, "{\"detail\":\"Gateway Timeout\"}");
                return;
            }
            asked.add(String.valueOf(exchange.getRequestURI().getQuery()));
            int look = looks.incrementAndGet();
            if (look == 1) {
                answer(exchange, 502, "{\"detail\":\"Bad Gateway\"}"); // the proxy, restarting
                return;
            }
            String id = exchange.getRequestURI().getPath().substring("/api/cleanup-runs/".length());
            String status = look < 4 ? "RUNNING" : "SUCCEEDED";
            answer(exchange, 200, """
                    {"id":"%s","status":"%s","total":4,"processed":%d,"closed":3,"archived":1,"unchanged":0,
                     "failed":0,"items":[]}""".formatted(id, status, status.equals("RUNNING") ? 2 : 4));
        });
        behindAProxy.start();
        try {
            String url = "http://localhost:" + behindAProxy.getAddress().getPort();

            Result cleanup = run("--url", url, "cleanup");
            List<String> askedByCleanup = List.copyOf(asked);
            looks.set(0);
            Result cron = run("--url", url, "cron");

            assertThat(cleanup.exitCode()).isZero();
            assertThat(cleanup.err()).contains("answer was lost (The service answered 504: Gateway Timeout)");
            assertThat(cleanup.out()).contains("Cleanup run SUCCEEDED: 3 closed, 1 archived");
            assertThat(askedByCleanup).hasSizeGreaterThan(2).last().isEqualTo("null");
            assertThat(askedByCleanup.subList(0, askedByCleanup.size() - 1)).containsOnly("items=false");
            assertThat(cron.exitCode()).isZero();
            assertThat(cron.out() + cron.err()).isEmpty();
        } finally {
            behindAProxy.stop(0);
        }
    }

    /** A read that does not end within the tool's time limit is reported as such, however long changes may take. */
    @Test
    @Timeout(30)
    void aReadThatDoesNotEndInTimeIsReportedAsUnanswered() throws IOException {
        HttpServer stuck = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        CountDownLatch answerMayGo = new CountDownLatch(1);
        stuck.createContext("/api/stats", exchange -> {
            try {
                answerMayGo.await(60, TimeUnit.SECONDS); // longer than the test may take
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        stuck.start();
        try {
            ApiClient api = new ApiClient("http://localhost:" + stuck.getAddress().getPort(), null,
                                          Duration.ofMillis(500));

            assertThatThrownBy(() -> api.get("/api/stats"))
                    .isInstanceOfSatisfying(ApiClient.ApiException.class,
                                            e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.UNREACHABLE))
                    .hasMessageContaining("could not be read").hasMessageContaining("timed out");
        } finally {
            answerMayGo.countDown();
            stuck.stop(0);
        }
    }

    /** A whole cleanup run, with what it did to each of its sessions, may take longer to read than the read limit. */
    @Test
    @Timeout(30)
    void aWholeRunIsReadWithoutTheReadLimit() throws IOException {
        HttpServer slow = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        slow.createContext("/api/cleanup-runs/", exchange -> {
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(exchange, 200, "{\"status\":\"SUCCEEDED\",\"items\":[]}");
        });
        slow.start();
        try {
            ApiClient api = new ApiClient("http://localhost:" + slow.getAddress().getPort(), null,
                                          Duration.ofMillis(200));

            assertThat(api.getLarge("/api/cleanup-runs/1").path("status").asText()).isEqualTo("SUCCEEDED");
            assertThatThrownBy(() -> api.get("/api/cleanup-runs/1?items=false")).hasMessageContaining("timed out");
        } finally {
            slow.stop(0);
        }
    }

    /** A run the service turned down was never started: the tool says so at once, and looks for no run. */
    @Test
    void aRunTheServiceTurnedDownIsNotLookedFor() throws IOException {
        HttpServer service = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        List<String> asked = new CopyOnWriteArrayList<>();
        service.createContext("/api/cleanup-runs", exchange -> {
            asked.add(exchange.getRequestMethod());
            answer(exchange, 403, "{\"detail\":\"Access denied\"}");
        });
        service.start();
        try {
            Result cron = run("--url", "http://localhost:" + service.getAddress().getPort(), "cron");

            assertThat(cron.exitCode()).isEqualTo(ExitCodes.REFUSED);
            assertThat(cron.err()).contains("The service answered 403: Access denied").doesNotContain("lost");
            assertThat(asked).containsExactly("POST");
        } finally {
            service.stop(0);
        }
    }

    /**
     * A replay is over once the read models pass the head the stream had when it began, though the stream goes on; it
     * fails if they stop, or park events on the way.
     */
    @Test
    @Timeout(60)
    void aReplayEndsAtTheHeadItBeganWithAndFailsWhenTheReadModelsStopOrParkEvents() throws IOException {
        AtomicReference<String> progress = new AtomicReference<>();
        HttpServer service = replaying("{\"running\":true,\"replaying\":true,\"position\":0,\"head\":10}", progress);
        try {
            String url = "http://localhost:" + service.getAddress().getPort();
            String progressAt = "{\"running\":%s,\"replaying\":%s,\"position\":%d,\"head\":12,\"deadLetters\":%d,"
                                + "\"eventsPerSecond\":0.0,\"secondsToGo\":null}";

            progress.set(progressAt.formatted(true, false, 10, 0));
            Result caughtUp = run("--url", url, "replay");
            progress.set(progressAt.formatted(true, false, 10, 2));
            Result parked = run("--url", url, "replay");
            progress.set(progressAt.formatted(false, true, 4, 0));
            Result stopped = run("--url", url, "replay");

            assertThat(caughtUp.exitCode()).isZero();
            assertThat(caughtUp.out()).contains("Read models rebuilt up to event 10");
            assertThat(parked.exitCode()).isEqualTo(ExitCodes.FAILED);
            assertThat(parked.err()).contains("2 event(s) could not be applied and are parked");
            assertThat(stopped.exitCode()).isEqualTo(ExitCodes.FAILED);
            assertThat(stopped.err()).contains("The read models stopped at event 4 of 10")
                                     .contains("4/10 events, 0/s").doesNotContain("to go");
        } finally {
            service.stop(0);
        }
    }

    /** A progress the service cannot give for a moment (a 503, a read that times out) does not end the replay. */
    @Test
    @Timeout(60)
    void aReplayIsFollowedThroughAMomentWithoutProgress() throws IOException {
        AtomicInteger reads = new AtomicInteger();
        HttpServer service = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        service.createContext("/api/replays", exchange -> {
            if (exchange.getRequestMethod().equals("POST")) {
                answer(exchange, 202, "{\"running\":true,\"replaying\":true,\"position\":0,\"head\":10}");
            } else if (reads.incrementAndGet() == 1) {
                answer(exchange, 503, "{\"detail\":\"The database is unavailable; try again shortly\"}");
            } else {
                answer(exchange, 200, "{\"running\":true,\"replaying\":false,\"position\":10,\"head\":10,"
                                      + "\"deadLetters\":0}");
            }
        });
        service.start();
        try {
            Result replay = run("--url", "http://localhost:" + service.getAddress().getPort(), "replay");

            assertThat(replay.exitCode()).isZero();
            assertThat(replay.out()).contains("Read models rebuilt up to event 10");
            assertThat(reads).hasValue(2);
        } finally {
            service.stop(0);
        }
    }

    /**
     * An empty stream has nothing to rebuild, and the read models no position to report (they have no token yet): the
     * replay is over at once.
     */
    @Test
    @Timeout(60)
    void aReplayOfAnEmptyStreamEndsAtOnce() throws IOException {
        HttpServer service = replaying("{\"running\":true,\"replaying\":false,\"position\":null,\"head\":0}",
                                       new AtomicReference<>("{\"running\":true,\"replaying\":false,"
                                                             + "\"position\":null,\"head\":0,\"deadLetters\":0}"));
        try {
            Result empty = run("--url", "http://localhost:" + service.getAddress().getPort(), "replay");

            assertThat(empty.exitCode()).isZero();
            assertThat(empty.out()).contains("Read models rebuilt: the stream is empty");
        } finally {
            service.stop(0);
        }
    }

    /** A service that answers a replay's start with {@code started}, and its progress with what {@code progress} holds. */
    private static HttpServer replaying(String started, AtomicReference<String> progress) throws IOException {
        HttpServer service = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        service.createContext("/api/replays", exchange -> {
            if (exchange.getRequestMethod().equals("POST")) {
                answer(exchange, 202, started);
            } else {
                answer(exchange, 200, progress.get());
            }
        });
        service.start();
        return service;
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        answer(exchange, status, "application/json", json);
    }

    private static void answer(HttpExchange exchange, int status, String contentType, String text)
            throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @Test
    void aVerificationComparesTheReadModelsWithTheStream() {
        Result verified = cli("replay", "--verify");

        assertThat(verified.exitCode()).isZero();
        assertThat(verified.out()).contains("0 difference(s)");
    }

    /** Tenants that change while the verification runs are left out; when that is all of them, nothing is verified. */
    @Test
    void aVerificationThatComparedNothingIsNotASuccess() throws IOException {
        HttpServer busyService = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        AtomicInteger leftOut = new AtomicInteger();
        busyService.createContext("/api/replays/verification", exchange -> answer(exchange, 200, """
                {"verifiedUpTo":500,"sessionsCompared":%d,"tenantsCompared":%d,"tenantsLeftOut":%d,
                 "differenceCount":0,"differences":[]}""".formatted(4 - leftOut.get(), 4 - leftOut.get(),
                                                                   leftOut.get())));
        busyService.start();
        try {
            String url = "http://localhost:" + busyService.getAddress().getPort();

            leftOut.set(4);
            Result nothingCompared = run("--url", url, "replay", "--verify");
            leftOut.set(1);
            Result partlyCompared = run("--url", url, "replay", "--verify");

            assertThat(nothingCompared.exitCode()).isEqualTo(ExitCodes.INCOMPLETE);
            assertThat(nothingCompared.out()).contains("Left out 4 tenant(s) that changed");
            assertThat(partlyCompared.exitCode()).isZero();
            assertThat(partlyCompared.out()).contains("Compared 3 session(s) and 3 tenant(s)")
                                            .contains("Left out 1 tenant(s)");
        } finally {
            busyService.stop(0);
        }
    }

    @Test
    void everyCommandHasHelp() {
        assertThat(cli("help").out()).contains("stats", "sessions", "cleanup", "cron", "deactivate", "delete",
                                               "restore", "auto-cleanup", "replay");
        assertThat(cli("cleanup", "--help").out()).contains("--dry-run", "--inactive-hours", "--delete-days",
                                                            "--quick", "--verbose");
    }

    /** A read-model row of an active session idle for 3 days, with no events behind it: cleaning it up fails. */
    private void anIdleActiveSession(String sessionId) {
        jdbc.update("""
                INSERT INTO live_session (session_id, tenant_id, number, status, created_at, last_activity_at,
                    inactivity_window_seconds, expires_at, seller_messages, client_codes, auto_cleanup,
                    last_event_sequence)
                VALUES (?, ?, 9, 'ACTIVE', now() - interval '3 days', now() - interval '3 days', 604800,
                    now() + interval '4 days', 0, 0, true, 0)
                """, sessionId, tenant);
    }

    private Result cli(String... arguments) {
        String[] all = new String[arguments.length + 4];
        all[0] = "--url";
        all[1] = "http://localhost:" + port;
        all[2] = "--token";
        all[3] = Http.ADMIN_TOKEN;
        System.arraycopy(arguments, 0, all, 4, arguments.length);
        return run(all);
    }

    private static Result run(String... arguments) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = LiveSessionsCli.run(arguments, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(exitCode, out.toString(), err.toString());
    }
}
