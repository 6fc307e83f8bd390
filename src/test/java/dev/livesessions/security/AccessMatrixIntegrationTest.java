package dev.livesessions.security;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livesessions.Http;
import dev.livesessions.IntegrationTest;
import org.apache.catalina.Context;
import org.apache.catalina.Session;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.embedded.tomcat.TomcatWebServer;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.userdetails.UserDetails;

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;

import static dev.livesessions.Http.uniqueTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.web.context.HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY;

/**
 * Every endpoint, called by an anonymous caller, a viewer of tenant A, a streamer of another tenant B, a streamer of
 * A and an admin, about tenant A's things: the exact status each gets. Reads come first, then the changes, so that
 * each row finds A's session as the rows before left it.
 */
@IntegrationTest
class AccessMatrixIntegrationTest {

    private static final String SELLER = "+33611111111";
    /** Not called: the request would change what every other test sees (a replay rebuilds the read models). */
    private static final int SKIP = 0;

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    UserAccounts accounts;
    @Autowired
    ServletWebServerApplicationContext server;

    private String a;
    private String b;
    private String sessionOfA;
    private Map<String, Http> callers;

    @BeforeEach
    void twoTenantsWithASessionEachAndACallerOfEveryKind() {
        Http admin = new Http(port);
        a = uniqueTenant("mx-a");
        b = uniqueTenant("mx-b");
        admin.createTenant(a, null, SELLER);
        admin.createTenant(b, null, SELLER);
        sessionOfA = admin.message(a, "m1", SELLER, "live").body().get("sessionId").asText();
        admin.message(b, "m1", SELLER, "live");
        // The read models follow the stream a moment later: every row below finds A's session there.
        await().until(() -> admin.get("/api/sessions/" + sessionOfA).status() == 200);
        callers = new LinkedHashMap<>();
        callers.put("anonymous", new Http(port, null));
        callers.put("viewer of A", new Http(port, token(admin, "VIEWER", a)));
        callers.put("streamer of B", new Http(port, token(admin, "STREAMER", b)));
        callers.put("streamer of A", new Http(port, token(admin, "STREAMER", a)));
        callers.put("admin", admin);
    }

    @Test
    void everyEndpointAnswersEachKindOfCallerExactlyAsItsRoleAllows() {
        Http admin = callers.get("admin");
        String run = admin.post("/api/cleanup-runs", Map.of("tenantId", a, "dryRun", true)).body().get("id").asText();
        String user = uniqueTenant("u");
        assertThat(admin.postRaw("/api/users", "application/json", "{\"username\":\"" + user + "\",\"password\":"
                                 + "\"a-long-enough-password\",\"role\":\"ADMIN\"}").status()).isEqualTo(201);
        String token = admin.postRaw("/api/tokens", "application/json", "{\"name\":\"revoked\",\"role\":\"ADMIN\"}")
                            .body().get("id").asText();
        List<String> wrong = new ArrayList<>();
        // anonymous, viewer of A, streamer of B, streamer of A, admin
        expect(wrong, "GET", "/api/me", null, 401, 200, 200, 200, 200);
        expect(wrong, "GET", "/api/sessions", null, 401, 200, 200, 200, 200);
        expect(wrong, "GET", "/api/sessions?tenantId=" + a, null, 401, 200, 404, 200, 200);
        expect(wrong, "GET", "/api/sessions/" + sessionOfA, null, 401, 200, 404, 200, 200);
        expect(wrong, "GET", "/api/sessions/" + sessionOfA + "/events", null, 401, 200, 404, 200, 200);
        expect(wrong, "GET", "/api/events/export?tenantId=" + a, null, 401, 200, 404, 200, 200);
        expect(wrong, "GET", "/api/stats", null, 401, 403, 403, 403, 200);
        expect(wrong, "GET", "/api/stats/" + a, null, 401, 200, 404, 200, 200);
        expect(wrong, "GET", "/api/tenants", null, 401, 403, 403, 403, 200);
        expect(wrong, "GET", "/api/tenants/" + a, null, 401, 200, 404, 200, 200);
        expect(wrong, "GET", "/api/tenants/" + a + "/changes", null, 401, 403, 403, 403, 200);
        expect(wrong, "GET", "/api/cleanup-runs", null, 401, 403, 403, 403, 200);
        expect(wrong, "GET", "/api/cleanup-runs/" + run, null, 401, 403, 403, 403, 200);
        expect(wrong, "GET", "/api/replays/progress", null, 401, 403, 403, 403, 200);
        expect(wrong, "GET", "/api/dead-letters", null, 401, 403, 403, 403, 200);
        expect(wrong, "GET", "/api/users", null, 401, 403, 403, 403, 200);
        expect(wrong, "GET", "/api/tokens", null, 401, 403, 403, 403, 200);
        expect(wrong, "GET", "/actuator/health", null, 200, 200, 200, 200, 200);
        expect(wrong, "GET", "/actuator/prometheus", null, 200, 200, 200, 200, 200);
        expect(wrong, "GET", "/actuator/metrics", null, 401, 403, 403, 403, 200);
        expect(wrong, "GET", "/v3/api-docs", null, 200, 200, 200, 200, 200);
        // The webhooks know senders by their signatures, not by the caller's token.
        expect(wrong, "GET", "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1", null,
               403, 403, 403, 403, 403);

        expect(wrong, "POST", "/webhooks/messages", "{}", 401, 401, 401, 401, 401);
        expect(wrong, "POST", "/webhooks/whatsapp", "{}", 401, 401, 401, 401, 401);
        expect(wrong, "POST", "/api/tenants", "{\"id\":\"" + uniqueTenant("mx") + "\",\"name\":\"x\","
                                              + "\"sellerPhones\":[]}", 401, 403, 403, 403, 201);
        expect(wrong, "PUT", "/api/tenants/" + a, "{\"name\":\"A\",\"sellerPhones\":[\"" + SELLER + "\"]}",
               401, 403, 403, 403, 200);
        expect(wrong, "POST", "/api/cleanup-runs", "{\"tenantId\":\"" + a + "\",\"dryRun\":true}",
               401, 403, 403, 403, 201);
        // A replay would empty the read models the other tests read: ReplayIntegrationTest starts them as an admin.
        expect(wrong, "POST", "/api/replays", "{}", 401, 403, 403, 403, SKIP);
        expect(wrong, "POST", "/api/replays/verification", "{}", 401, 403, 403, 403, 200);
        expect(wrong, "POST", "/api/dead-letters/retry", "{}", 401, 403, 403, 403, 200);
        expect(wrong, "POST", "/api/users", "{\"username\":\"" + uniqueTenant("u") + "\",\"password\":"
                                            + "\"a-long-enough-password\",\"role\":\"VIEWER\",\"tenantId\":\"" + a
                                            + "\"}", 401, 403, 403, 403, 201);
        expect(wrong, "POST", "/api/tokens", "{\"name\":\"ci\",\"role\":\"ADMIN\"}", 401, 403, 403, 403, 201);
        expect(wrong, "DELETE", "/api/users/" + user, null, 401, 403, 403, 403, 204);
        expect(wrong, "DELETE", "/api/tokens/" + token, null, 401, 403, 403, 403, 204);
        expect(wrong, "POST", "/api/sessions/" + sessionOfA + "/deactivate", "{}", 401, 403, 404, 200, 200);
        expect(wrong, "PUT", "/api/sessions/" + sessionOfA + "/auto-cleanup", "{\"enabled\":false}",
               401, 403, 404, 200, 200);
        expect(wrong, "DELETE", "/api/sessions/" + sessionOfA + "?confirm=" + sessionOfA, null,
               401, 403, 404, 200, 200);
        expect(wrong, "POST", "/api/sessions/" + sessionOfA + "/restore", "{}", 401, 403, 404, 200, 200);

        assertThat(wrong).isEmpty();
    }

    @Test
    void aBadOrRevokedTokenIsRefusedNotTreatedAsAnonymous() {
        Http admin = callers.get("admin");
        String body = "{\"name\":\"short-lived\",\"role\":\"STREAMER\",\"tenantId\":\"" + a + "\"}";
        var created = admin.postRaw("/api/tokens", "application/json", body).body();
        Http holder = new Http(port, created.get("token").asText());
        assertThat(holder.get("/api/stats/" + a).status()).isEqualTo(200);

        assertThat(admin.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/tokens/"
                                                                + created.get("id").asText())).DELETE()).status())
                .isEqualTo(204);

        assertThat(holder.get("/api/stats/" + a).status()).isEqualTo(401);
        assertThat(new Http(port, "not-a-token").get("/actuator/health").status()).isEqualTo(401);
        assertThat(admin.get("/api/tokens").text()).doesNotContain(created.get("token").asText());
    }

    @Test
    void aTokenWithTheLongestNameAllowedIsNamedInFullInWhatItChanged() {
        String name = "n".repeat(100);
        Http.Response created = callers.get("admin").postRaw("/api/tokens", "application/json",
                                                             "{\"name\":\"" + name + "\",\"role\":\"ADMIN\"}");
        assertThat(created.status()).isEqualTo(201);
        Http holder = new Http(port, created.body().get("token").asText());
        String tenant = Http.uniqueTenant("named");

        assertThat(holder.createTenant(tenant, "PT30M", "+33600000000").status()).isEqualTo(201);
        assertThat(holder.postRaw("/api/cleanup-runs", "application/json", "{\"tenantId\":\"" + tenant + "\"}")
                         .status()).isEqualTo(201);
        assertThat(holder.postRaw("/api/users", "application/json", "{\"username\":\"" + tenant
                                  + "\",\"password\":\"a-long-enough-password\",\"role\":\"ADMIN\"}").status())
                .isEqualTo(201);
        assertThat(holder.postRaw("/api/tokens", "application/json", "{\"name\":\"by a long name\",\"role\":\"ADMIN\"}")
                         .status()).isEqualTo(201);
        assertThat(holder.get("/api/tenants/" + tenant + "/changes").body().findValuesAsText("actor"))
                .containsOnly("token:" + name);
    }

    @Test
    void aUserDisabledAfterLoggingInIsLoggedOutAtTheirNextRequest() throws Exception {
        String username = aStreamerOfTenantA();
        HttpClient browser = loggedIn(username);
        HttpRequest me = HttpRequest.newBuilder(URI.create(url("/api/me"))).build();
        assertThat(browser.send(me, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

        assertThat(callers.get("admin").send(HttpRequest.newBuilder(URI.create(url("/api/users/" + username)))
                                                        .DELETE()).status()).isEqualTo(204);

        assertThat(browser.send(me, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
    }

    /** A login's session holds who logged in, not their password's hash. */
    @Test
    void aLoginKeepsNoPasswordHashInItsSession() throws Exception {
        String username = aStreamerOfTenantA();
        loggedIn(username);

        Context dashboard = (Context) ((TomcatWebServer) server.getWebServer()).getTomcat().getHost().findChildren()[0];
        List<UserDetails> loggedIn = new ArrayList<>();
        for (Session session : dashboard.getManager().findSessions()) {
            Object context;
            try {
                context = session.getSession().getAttribute(SPRING_SECURITY_CONTEXT_KEY);
            } catch (IllegalStateException endedMeanwhile) {
                continue;
            }
            if (context instanceof SecurityContext security
                && security.getAuthentication().getPrincipal() instanceof UserDetails user
                && user.getUsername().equals(username)) {
                loggedIn.add(user);
            }
        }
        assertThat(loggedIn).hasSize(1).first().satisfies(user -> assertThat(user.getPassword()).isNull());
    }

    /**
     * A user disabled by mistake is made again under the same username, with a new password; the login from before
     * the disable stays out, though it made no request in between. Who disabled the user is listed until then.
     */
    @Test
    void aDisabledUserIsMadeAgainAndTheirLoginFromBeforeStaysOut() throws Exception {
        Http admin = callers.get("admin");
        String username = aStreamerOfTenantA();
        HttpClient before = loggedIn(username);
        assertThat(admin.send(HttpRequest.newBuilder(URI.create(url("/api/users/" + username))).DELETE()).status())
                .isEqualTo(204);
        JsonNode disabled = userListed(username);
        assertThat(disabled.get("enabled").asBoolean()).isFalse();
        assertThat(disabled.get("disabledBy").asText()).isEqualTo(disabled.get("createdBy").asText());
        assertThat(disabled.get("disabledAt").isNull()).isFalse();

        Http.Response madeAgain = admin.post("/api/users", Map.of("username", username,
                                                                  "password", "another-long-password",
                                                                  "role", "STREAMER", "tenantId", a));

        assertThat(madeAgain.status()).isEqualTo(201);
        assertThat(madeAgain.body().get("enabled").asBoolean()).isTrue();
        assertThat(madeAgain.body().get("disabledAt")).isEqualTo(disabled.get("disabledAt"));
        assertThat(Instant.parse(madeAgain.body().get("createdAt").asText()))
                .isAfter(Instant.parse(disabled.get("disabledAt").asText()));
        HttpRequest me = HttpRequest.newBuilder(URI.create(url("/api/me"))).build();
        assertThat(before.send(me, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        HttpClient browser = onTheLoginPage();
        assertThat(logIn(browser, username, "a-long-enough-password")).endsWith("/login.html?error");
        assertThat(logIn(browser, username, "another-long-password")).endsWith("/");
        assertThat(admin.post("/api/users", Map.of("username", username, "password", "a-third-long-password",
                                                   "role", "STREAMER", "tenantId", a)).status()).isEqualTo(409);
    }

    /** The configured admin, disabled, is enabled again at the next start: a login from before the disable stays out. */
    @Test
    void theConfiguredAdminEnabledAgainAtAStartIsMadeAgain() throws Exception {
        String username = uniqueTenant("configured");
        accounts.ensureAdmin(username, "a-long-enough-password");
        HttpClient before = loggedIn(username);
        assertThat(callers.get("admin").send(HttpRequest.newBuilder(URI.create(url("/api/users/" + username)))
                                                        .DELETE()).status()).isEqualTo(204);

        accounts.ensureAdmin(username, "a-long-enough-password");

        HttpRequest me = HttpRequest.newBuilder(URI.create(url("/api/me"))).build();
        assertThat(before.send(me, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        HttpClient after = loggedIn(username);
        accounts.ensureAdmin(username, "a-long-enough-password"); // a start while it is enabled
        assertThat(after.send(me, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    /** A tenant id with a NUL in it is refused, and said to be at fault, before the database sees it. */
    @Test
    void aTenantIdWithANulCharacterIsRefusedAsInvalid() {
        Http admin = callers.get("admin");
        Http.Response user = admin.post("/api/users", Map.of("username", uniqueTenant("nul"), "password",
                                                             "a-long-enough-password", "role", "STREAMER",
                                                             "tenantId", a + "\u0000"));
        Http.Response token = admin.post("/api/tokens", Map.of("name", "nul", "role", "VIEWER",
                                                               "tenantId", a + "\u0000"));

        for (Http.Response refused : List.of(user, token)) {
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.body().get("errors").get(0).asText()).startsWith("tenantId: ");
        }
    }

    @Test
    void aRevokedTokenIsListedWithWhoRevokedIt() {
        Http admin = callers.get("admin");
        Http.Response made = admin.post("/api/tokens", Map.of("name", "to revoke", "role", "VIEWER", "tenantId", a));
        String id = made.body().get("id").asText();

        assertThat(admin.send(HttpRequest.newBuilder(URI.create(url("/api/tokens/" + id))).DELETE()).status())
                .isEqualTo(204);

        JsonNode revoked = StreamSupport.stream(admin.get("/api/tokens").body().spliterator(), false)
                                        .filter(token -> token.get("id").asText().equals(id))
                                        .findFirst().orElseThrow();
        assertThat(revoked.get("revokedAt").isNull()).isFalse();
        assertThat(revoked.get("revokedBy").asText()).isEqualTo(revoked.get("createdBy").asText());
    }

    private JsonNode userListed(String username) {
        return StreamSupport.stream(callers.get("admin").get("/api/users").body().spliterator(), false)
                            .filter(user -> user.get("username").asText().equals(username))
                            .findFirst().orElseThrow();
    }

    /** Logging out in one tab ends the live stream the same login opened in another, as its next request would be. */
    @Test
    void aLogOutEndsTheLiveStreamsOfThatLogin() throws Exception {
        HttpClient browser = loggedIn(aStreamerOfTenantA());
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        CompletableFuture<Void> stream = browser.sendAsync(
                HttpRequest.newBuilder(URI.create(url("/api/stream"))).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofLines()).thenAccept(response -> response.body().forEach(lines::add));
        assertThat(lines.poll(15, TimeUnit.SECONDS)).as("the stream's first line").isNotNull();

        HttpResponse<String> logOut = browser.send(HttpRequest.newBuilder(URI.create(url("/logout")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + xsrfOf(browser)))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(logOut.headers().firstValue("Location")).hasValueSatisfying(
                location -> assertThat(location).endsWith("/login.html?logout"));
        stream.get(15, TimeUnit.SECONDS);
    }

    /** The check of a logged-in user reads the database; when it cannot, the request goes on and nobody is logged out. */
    @Test
    void aLoggedInUserStaysLoggedInWhenTheirAccountCannotBeRead() throws Exception {
        HttpClient browser = loggedIn(aStreamerOfTenantA());
        HttpRequest me = HttpRequest.newBuilder(URI.create(url("/api/me"))).build();

        int whileUnreadable;
        jdbc.execute("ALTER TABLE user_account RENAME TO user_account_unreadable");
        try {
            whileUnreadable = browser.send(me, HttpResponse.BodyHandlers.ofString()).statusCode();
        } finally {
            jdbc.execute("ALTER TABLE user_account_unreadable RENAME TO user_account");
        }

        assertThat(whileUnreadable).isEqualTo(200);
        assertThat(browser.send(me, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    /** bcrypt reads 72 bytes of a password, and Spring Security's encoder throws on more: that is the user's to fix. */
    @Test
    void aPasswordLongerThanBcryptReadsIsRefusedWithTheRule() {
        Http admin = callers.get("admin");
        String username = uniqueTenant("long-password");

        Http.Response accented = admin.post("/api/users", Map.of("username", username, "password", "é".repeat(37),
                                                                 "role", "ADMIN"));

        assertThat(accented.status()).isEqualTo(400);
        assertThat(accented.body().toString()).contains("password", "72 bytes");
        assertThat(admin.get("/api/users").body().findValuesAsText("username")).doesNotContain(username);
        assertThat(admin.post("/api/users", Map.of("username", username, "password", "é".repeat(36), "role",
                                                   "ADMIN")).status()).isEqualTo(201);
    }

    private String aStreamerOfTenantA() {
        String username = uniqueTenant("logged-in");
        assertThat(callers.get("admin").post("/api/users", Map.of("username", username,
                                                                  "password", "a-long-enough-password",
                                                                  "role", "STREAMER", "tenantId", a)).status())
                .isEqualTo(201);
        return username;
    }

    /**
     * A username's password cannot be guessed: after its failures its logins are refused for a while, with the right
     * password too, while others log in as usual.
     */
    @Test
    void aUsernameThatFailedTooOftenIsRefusedEvenWithItsPassword() throws Exception {
        String guessed = aStreamerOfTenantA();
        String other = aStreamerOfTenantA();
        HttpClient browser = onTheLoginPage();

        for (int i = 0; i < LoginAttempts.MOST_FAILURES; i++) {
            assertThat(logIn(browser, guessed.toUpperCase(), "not-the-password-" + i)).endsWith("/login.html?error");
        }

        assertThat(logIn(browser, guessed, "a-long-enough-password")).endsWith("/login.html?throttled");
        // The login trims control characters off the username before it looks it up, not only spaces.
        assertThat(logIn(browser, "%01" + guessed + "%09", "a-long-enough-password"))
                .endsWith("/login.html?throttled");
        assertThat(logIn(browser, other, "a-long-enough-password")).endsWith("/");
    }

    /**
     * Guesses sent at once count like guesses sent one after another: those that waited for their turn while the last
     * failure allowed was being checked are refused, not checked.
     */
    @Test
    void guessesSentAtOnceGetNoMoreTriesThanGuessesSentInTurn() throws Exception {
        String guessed = aStreamerOfTenantA();
        HttpClient browser = onTheLoginPage();
        for (int i = 0; i < LoginAttempts.MOST_FAILURES - 1; i++) {
            assertThat(logIn(browser, guessed, "not-the-password-" + i)).endsWith("/login.html?error");
        }

        int atOnce = 6;
        ExecutorService senders = Executors.newFixedThreadPool(atOnce);
        List<String> answers;
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<String>> guesses = new ArrayList<>();
            for (int i = 0; i < atOnce; i++) {
                String password = "sent-at-once-" + i;
                guesses.add(senders.submit(() -> {
                    start.await();
                    return logIn(browser, guessed, password);
                }));
            }
            start.countDown();
            answers = new ArrayList<>();
            for (Future<String> guess : guesses) {
                answers.add(guess.get(30, TimeUnit.SECONDS));
            }
        } finally {
            senders.shutdownNow();
        }

        assertThat(answers).filteredOn(answer -> answer.endsWith("?error")).hasSize(1);
        assertThat(answers).filteredOn(answer -> answer.endsWith("?throttled")).hasSize(atOnce - 1);
    }

    /**
     * A username longer than any account's is refused without checking the password, and is not counted: the count of
     * a failure is kept for the pause, and failures of names megabytes long would fill the heap.
     */
    @Test
    void aUsernameLongerThanAnyAccountsIsRefusedWithoutBeingCounted() throws Exception {
        HttpClient browser = onTheLoginPage();
        String tooLong = "x".repeat(100_000);

        for (int i = 0; i <= LoginAttempts.MOST_FAILURES; i++) {
            assertThat(logIn(browser, tooLong, "not-the-password-" + i)).endsWith("/login.html?error");
        }
    }

    /** The dashboard's login and its CSRF token stay on its own site: a request from another site carries neither. */
    @Test
    void theDashboardsCookiesAreKeptToItsOwnSite() throws Exception {
        String username = aStreamerOfTenantA();
        HttpClient browser = onTheLoginPage();
        HttpResponse<String> login = browser.send(HttpRequest.newBuilder(URI.create(url("/login")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + username + "&password=a-long-enough-password"
                                                          + "&_csrf=" + xsrfOf(browser)))
                .build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> page = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(url("/login.html"))).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(login.headers().firstValue("Location")).hasValueSatisfying(to -> assertThat(to).endsWith("/"));
        assertThat(login.headers().allValues("Set-Cookie"))
                .anySatisfy(cookie -> assertThat(cookie).startsWith("JSESSIONID=").contains("SameSite=Lax"));
        assertThat(page.headers().allValues("Set-Cookie"))
                .anySatisfy(cookie -> assertThat(cookie).startsWith("XSRF-TOKEN=").contains("SameSite=Lax"));
    }

    /** Only a login makes a session: each would otherwise cost the heap until it times out, at anyone's request. */
    @Test
    void anonymousCallersAndFailedLoginsAreGivenNoSession() throws Exception {
        HttpClient browser = onTheLoginPage();
        HttpResponse<String> page = browser.send(HttpRequest.newBuilder(URI.create(url("/")))
                                                            .header("Accept", "text/html").build(),
                                                 HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> api = browser.send(HttpRequest.newBuilder(URI.create(url("/api/sessions"))).build(),
                                                HttpResponse.BodyHandlers.ofString());

        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(api.statusCode()).isEqualTo(401);
        assertThat(logIn(browser, "nobody", "not-the-password")).endsWith("/login.html?error");
        assertThat(((CookieManager) browser.cookieHandler().orElseThrow()).getCookieStore().getCookies())
                .noneMatch(cookie -> cookie.getName().equals("JSESSIONID"));
    }

    /**
     * A disabled user's username is refused like one no account has: with its own password, and, after as many
     * failures, for a while. Nothing tells that the account exists.
     */
    @Test
    void aDisabledUsersLoginsFailAndCountLikeAnUnknownUsernames() throws Exception {
        String disabled = aStreamerOfTenantA();
        assertThat(callers.get("admin").send(HttpRequest.newBuilder(URI.create(url("/api/users/" + disabled)))
                                                        .DELETE()).status()).isEqualTo(204);
        HttpClient browser = onTheLoginPage();

        for (int i = 0; i < LoginAttempts.MOST_FAILURES; i++) {
            assertThat(logIn(browser, disabled, "a-long-enough-password")).endsWith("/login.html?error");
        }

        assertThat(logIn(browser, disabled, "a-long-enough-password")).endsWith("/login.html?throttled");
    }

    /** @return a browser logged in to the dashboard as {@code username}, through the login page */
    private HttpClient loggedIn(String username) throws Exception {
        HttpClient browser = onTheLoginPage();
        assertThat(logIn(browser, username, "a-long-enough-password")).endsWith("/");
        return browser;
    }

    /** @return a browser that opened the login page, and holds the CSRF token it sets */
    private HttpClient onTheLoginPage() throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        HttpResponse<String> loginPage = browser.send(HttpRequest.newBuilder(URI.create(url("/login.html"))).build(),
                                                      HttpResponse.BodyHandlers.ofString());
        assertThat(loginPage.statusCode()).isEqualTo(200);
        return browser;
    }

    /** @return where the login sends the browser */
    private String logIn(HttpClient browser, String username, String password) throws Exception {
        String xsrf = xsrfOf(browser);
        HttpResponse<String> login = browser.send(HttpRequest.newBuilder(URI.create(url("/login")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + username + "&password=" + password
                                                          + "&_csrf=" + xsrf))
                .build(), HttpResponse.BodyHandlers.ofString());
        return login.headers().firstValue("Location").orElseThrow();
    }

    /** The CSRF token the browser holds, which a form sends back. */
    private static String xsrfOf(HttpClient browser) {
        return ((CookieManager) browser.cookieHandler().orElseThrow()).getCookieStore().getCookies().stream()
                .filter(cookie -> cookie.getName().equals("XSRF-TOKEN")).findFirst().orElseThrow().getValue();
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }

    /**
     * A path with escaped letters is the same path to the application (Tomcat decodes it), and so to every decision
     * taken by path: an API call is answered as one, and a login without a session still needs its CSRF token.
     */
    @Test
    void aPathSpelledWithEscapesIsTheSamePath() throws Exception {
        String username = aStreamerOfTenantA();
        HttpClient stranger = HttpClient.newHttpClient();

        Http.Response api = callers.get("anonymous").get("/%61pi/sessions");
        HttpResponse<String> login = stranger.send(HttpRequest.newBuilder(URI.create(url("/%6Cogin")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + username + "&password=a-long-enough-password"))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(api.status()).isEqualTo(401);
        assertThat(api.contentType()).startsWith("application/problem+json");
        assertThat(login.statusCode()).isEqualTo(403);
        assertThat(login.headers().allValues("Set-Cookie")).noneMatch(cookie -> cookie.startsWith("JSESSIONID="));
    }

    @Test
    void onlyBrowsersAreGivenTheXsrfCookie() {
        Http anonymous = callers.get("anonymous");
        Http streamerOfA = callers.get("streamer of A");

        assertThat(anonymous.get("/login.html").headers().allValues("Set-Cookie"))
                .anySatisfy(cookie -> assertThat(cookie).startsWith("XSRF-TOKEN="));
        assertThat(List.of(streamerOfA.get("/api/stats/" + a), streamerOfA.get("/api/sessions/" + sessionOfA),
                           callers.get("admin").get("/actuator/metrics"), anonymous.get("/actuator/prometheus"),
                           anonymous.get("/actuator/health")))
                .allSatisfy(answer -> {
                    assertThat(answer.status()).isEqualTo(200);
                    assertThat(answer.headers().allValues("Set-Cookie")).isEmpty();
                });
    }

    @Test
    void aStreamerListingSessionsSeesOnlyItsOwnTenant() {
        Http streamerOfB = callers.get("streamer of B");

        await().untilAsserted(() -> assertThat(streamerOfB.get("/api/sessions?size=200").body().get("sessions")
                                                          .findValuesAsText("tenantId"))
                .isNotEmpty().containsOnly(b));
        // Parameters left empty, as a form or the README's table writes them, are parameters not given.
        assertThat(streamerOfB.get("/api/sessions?tenantId=&status=&size=200").body().get("sessions")
                              .findValuesAsText("tenantId")).isNotEmpty().containsOnly(b);
        assertThat(callers.get("admin").get("/api/sessions?tenantId=&size=200").body().get("sessions")
                          .findValuesAsText("tenantId")).contains(b);
    }

    private void expect(List<String> wrong, String method, String path, String body, int... statuses) {
        int i = 0;
        for (Map.Entry<String, Http> caller : callers.entrySet()) {
            int expected = statuses[i++];
            if (expected == SKIP) {
                continue;
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
            request = body == null ? request.method(method, HttpRequest.BodyPublishers.noBody())
                    : request.header("Content-Type", "application/json")
                             .method(method, HttpRequest.BodyPublishers.ofString(body));
            int actual = caller.getValue().send(request).status();
            if (actual != expected) {
                wrong.add(method + " " + path + " as " + caller.getKey() + ": " + actual + ", expected " + expected);
            }
        }
    }

    private static String token(Http admin, String role, String tenantId) {
        String body = "{\"name\":\"" + role.toLowerCase() + "-of-" + tenantId + "\",\"role\":\"" + role
                      + "\",\"tenantId\":\"" + tenantId + "\"}";
        Http.Response created = admin.postRaw("/api/tokens", "application/json", body);
        assertThat(created.status()).isEqualTo(201);
        return created.body().get("token").asText();
    }
}
