package dev.livesessions.ingestion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livesessions.Http;
import dev.livesessions.IntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

import static dev.livesessions.Http.uniqueTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@IntegrationTest
class InboundMessageIntegrationTest {

    private static final String SELLER = "+33 6 12 34 56 78";
    private static final String CLIENT = "+33 7 00 00 00 01";
    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;

    private Http http;
    private String tenant;

    @BeforeEach
    void setUp() {
        http = new Http(port);
        tenant = uniqueTenant("shop");
        assertThat(http.createTenant(tenant, null, SELLER).status()).isEqualTo(201);
    }

    @Test
    void aSellersMessageOpensASessionStoredAsJsonEventsAndShownInTheReadModels() throws Exception {
        Http.Response first = http.message(tenant, "m1", "33612345678", "New dress, code A12, 20 EUR");
        Http.Response second = http.message(tenant, "m2", CLIENT, " a12 ");

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body().get("classification").asText()).isEqualTo("SELLER_MESSAGE");
        assertThat(first.body().get("created").asBoolean()).isTrue();
        String sessionId = first.body().get("sessionId").asText();
        assertThat(sessionId).isEqualTo(tenant + ".1");
        assertThat(second.body().get("classification").asText()).isEqualTo("CLIENT_CODE");
        assertThat(second.body().get("sessionId").asText()).isEqualTo(sessionId);
        assertThat(second.body().get("created").asBoolean()).isFalse();

        List<Map<String, Object>> events = jdbc.queryForList(
                "SELECT payload_type, payload, meta_data FROM domain_event_entry WHERE aggregate_identifier = ? "
                        + "ORDER BY sequence_number", sessionId);
        assertThat(events).extracting(row -> row.get("payload_type")).containsExactly(
                "dev.livesessions.api.LiveSessionCreated", "dev.livesessions.api.ActivityRecorded",
                "dev.livesessions.api.ActivityRecorded");
        JsonNode clientCode = JSON.readTree((byte[]) events.get(2).get("payload"));
        assertThat(clientCode.get("code").asText()).isEqualTo("A12");
        assertThat(clientCode.get("source").asText()).isEqualTo("CLIENT");
        JsonNode metaData = JSON.readTree((byte[]) events.get(2).get("meta_data"));
        assertThat(metaData.get("correlationId").asText()).isEqualTo("corr-m2");
        assertThat(metaData.get("providerMessageId").asText()).isEqualTo("m2");

        await().untilAsserted(() -> {
            JsonNode session = http.get("/api/sessions/" + sessionId).body();
            assertThat(session.get("status").asText()).isEqualTo("ACTIVE");
            assertThat(session.get("sellerMessages").asLong()).isEqualTo(1);
            assertThat(session.get("clientCodes").asLong()).isEqualTo(1);
            assertThat(session.get("expiresAt").asText()).isNotEmpty();
            JsonNode stats = http.get("/api/stats/" + tenant).body();
            assertThat(stats.get("totalSessions").asLong()).isEqualTo(1);
            assertThat(stats.get("activeSessions").asLong()).isEqualTo(1);
            assertThat(stats.get("liveMessages").asLong()).isEqualTo(2);
        });
    }

    @Test
    void stopEmptyMessagesAndChatNeverOpenOrTouchASession() {
        List<Http.Response> responses = List.of(
                http.message(tenant, "stop-1", SELLER, "STOP"),
                http.message(tenant, "stop-2", CLIENT, "  Arrêt ! "),
                http.message(tenant, "empty-1", SELLER, "   "),
                http.message(tenant, "empty-2", SELLER, null),
                http.message(tenant, "chat-1", CLIENT, "hello, is the red one still available?"),
                http.message(tenant, "chat-2", CLIENT, "merci2"));

        assertThat(responses).extracting(Http.Response::status).containsOnly(200);
        assertThat(responses).extracting(response -> response.body().get("classification").asText())
                             .containsExactly("STOP", "STOP", "EMPTY", "EMPTY", "CHAT", "CHAT");
        assertThat(responses).allSatisfy(response -> {
            assertThat(response.body().get("liveSignal").asBoolean()).isFalse();
            assertThat(response.body().get("sessionId").isNull()).isTrue();
        });
        assertThat(eventsOfTenant()).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM inbound_message WHERE tenant_id = ?", Long.class,
                                       tenant)).isZero();
        assertThat(http.get("/api/sessions?tenantId=" + tenant).body().get("totalElements").asLong()).isZero();
    }

    /** A time in milliseconds read as seconds lands in the year 55840: refused, not stored in the audit for good. */
    @Test
    void aTimestampThatCannotBeWhenTheMessageWasSentIsRefusedAndNothingIsStored() throws Exception {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("messageId", "m-ms");
        message.put("tenantId", tenant);
        message.put("sender", CLIENT);
        message.put("text", "A12");
        // 2^64 + 1 700 000 384 seconds: its low 64 bits alone are a day of 2023.
        List<Object> refused = List.of(1_700_000_000_123L, 1e300, 1.8446744075409552E19, "18446744075409552384.5",
                                       "1969-07-20T20:17:40Z");
        for (Object timestamp : refused) {
            message.put("timestamp", timestamp);
            Http.Response response = http.signed(tenant, JSON.writeValueAsString(message));
            assertThat(response.status()).as(String.valueOf(timestamp)).isEqualTo(400);
            assertThat(response.text()).contains("\"timestamp: must be unix seconds or ISO-8601");
        }
        message.put("timestamp", 1_700_000_000L);
        assertThat(http.signed(tenant, JSON.writeValueAsString(message)).status()).isEqualTo(200);

        assertThat(jdbc.queryForList("SELECT convert_from(payload, 'UTF8')::json ->> 'sentAt' FROM domain_event_entry "
                                     + "WHERE aggregate_identifier LIKE ? AND payload_type = ?", String.class,
                                     tenant + ".%", "dev.livesessions.api.ActivityRecorded"))
                .containsExactly("2023-11-14T22:13:20Z");
    }

    @Test
    void aRedeliveredMessageIsAcknowledgedAndNotCountedTwice() throws Exception {
        http.message(tenant, "wamid-1", CLIENT, "B7");
        Http.Response again = http.message(tenant, "wamid-1", CLIENT, "B7");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().get("duplicate").asBoolean()).isTrue();

        ExecutorService senders = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Http.Response>> redeliveries = IntStream.range(0, 16)
                    .<Callable<Http.Response>>mapToObj(i -> () -> http.message(tenant, "wamid-2", CLIENT, "C9"))
                    .toList();
            List<Http.Response> answers = senders.invokeAll(redeliveries).stream().map(Http::await).toList();
            assertThat(answers).extracting(Http.Response::status).containsOnly(200);
            assertThat(answers).filteredOn(answer -> !answer.body().get("duplicate").asBoolean()).hasSize(1);
        } finally {
            senders.shutdown();
        }

        assertThat(activitiesOfTenant()).isEqualTo(2);
        await().untilAsserted(() -> assertThat(
                http.get("/api/stats/" + tenant).body().get("liveMessages").asLong()).isEqualTo(2));
    }

    /** A seller's long announcement opens the live: only its beginning tells what it is, and the rest is cut off. */
    @Test
    void aSellersTextLongerThanAnyOtherIsKeptToItsBeginningAndOpensTheSession() {
        Http.Response response = http.message(tenant, "announcement", SELLER, "Live tonight! " + "-".repeat(6_000));

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        assertThat(response.body().get("classification").asText()).isEqualTo("SELLER_MESSAGE");
        assertThat(response.body().get("created").asBoolean()).isTrue();
    }

    @Test
    void invalidInputIsRejectedWithAProblemAndStoresNothing() {
        List<Http.Response> rejected = List.of(
                http.signed(tenant, "{\"messageId\": \"x\", "),
                http.signed(tenant, "[1, 2, 3]"),
                http.signed(tenant, ""),
                http.signed(tenant, "{\"messageId\": \"x\", \"tenantId\": \"" + tenant + "\", \"sender\": \"1\", "
                                    + "\"text\": \"A1\", \"timestamp\": \"yesterday\"}"),
                http.signed(tenant, Http.write(Map.of("messageId", "x", "tenantId", tenant, "sender", CLIENT,
                                                      "text", "A1", "timestamp", ""))),
                http.signed(tenant, Http.write(Map.of("messageId", "x", "tenantId", tenant, "sender", CLIENT,
                                                      "text", "A1", "timestamp", "  "))),
                http.signed(tenant, Http.write(Map.of("tenantId", tenant, "sender", CLIENT, "text", "A1"))),
                http.signed(tenant, Http.write(Map.of("messageId", "x".repeat(201), "tenantId", tenant,
                                                      "sender", CLIENT, "text", "A1"))),
                http.signed(tenant, Http.write(Map.of("messageId", 12, "tenantId", tenant,
                                                      "sender", CLIENT, "text", "A1"))),
                http.postRaw("/webhooks/messages", "text/plain", "A1"));

        assertThat(rejected).extracting(Http.Response::status)
                            .containsExactly(400, 400, 400, 400, 400, 400, 400, 400, 400, 415);
        assertThat(rejected).extracting(Http.Response::contentType).containsOnly("application/problem+json");
        assertThat(eventsOfTenant()).isZero();
    }

    @Test
    void aWebhookIsAnsweredWithoutCookiesOrSession() {
        // A provider sends no token (Http(port) would send the admin's).
        Http provider = new Http(port, null);
        List<Http.Response> answers = List.of(provider.message(tenant, "c1", CLIENT, "A12"),
                                              provider.message(tenant, "c2", CLIENT, "hello"),
                                              provider.signed(tenant, "{\"messageId\": \"x\", "));

        assertThat(answers).extracting(Http.Response::status).containsExactly(200, 200, 400);
        assertThat(answers).allSatisfy(answer -> assertThat(answer.headers().allValues("Set-Cookie")).isEmpty());
        assertThat(answers).allSatisfy(answer -> assertThat(answer.headers().firstValue("X-Content-Type-Options"))
                .contains("nosniff"));
    }

    /** The answer is the one a wrong secret gets: it does not tell which tenant ids exist. */
    @Test
    void aMessageForAnUnknownTenantIsRejectedAsOneWithTheWrongSecret() {
        String body = Http.write(Map.of("messageId", "m1", "tenantId", tenant, "sender", CLIENT, "text", "A12"));
        Http.Response unknown = http.message("no-such-tenant", "m1", CLIENT, "A12");
        Http.Response wrongSecret = http.signed(tenant, "a-secret-that-is-not-the-tenants-one-at-all",
                                                Instant.now().getEpochSecond(), body);

        assertThat(unknown.status()).isEqualTo(401);
        assertThat(unknown.body().get("detail").asText()).isEqualTo(wrongSecret.body().get("detail").asText());
    }

    @Test
    void aRequestNotSignedByTheTenantItClaimsIsRefused() {
        String body = Http.write(Map.of("messageId", "sig-1", "tenantId", tenant, "sender", CLIENT, "text", "A1"));
        long now = Instant.now().getEpochSecond();
        String other = uniqueTenant("other");
        http.createTenant(other, null);

        List<Http.Response> refused = List.of(
                http.postRaw("/webhooks/messages", "application/json", body),
                http.signed(tenant, "a-secret-that-is-not-the-tenants-one-at-all", now, body),
                http.signed(tenant, Http.secretOf(tenant), now - 3600, body),
                http.signed(tenant, Http.secretOf(tenant), now + 3600, body),
                http.signed(other, body));

        assertThat(refused).extracting(Http.Response::status).containsExactly(401, 401, 401, 401, 403);
        assertThat(refused).extracting(Http.Response::contentType).containsOnly("application/problem+json");
        assertThat(eventsOfTenant()).isZero();
        assertThat(http.signed(tenant, body).status()).isEqualTo(200);
    }

    /** A sender that asks for an answer other than JSON is still told its message is stored: it was. */
    @Test
    void aStoredMessageIsAnsweredInJsonWhateverItsSenderAccepts() {
        String body = Http.write(Map.of("messageId", "accept-1", "tenantId", tenant, "sender", CLIENT, "text", "A12"));

        Http.Response response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                                                                             + "/webhooks/messages"))
                .header("Content-Type", "application/json")
                .header("Accept", "text/plain")
                .header("X-Live-Sessions-Signature", Http.genericSignature(tenant, Http.secretOf(tenant),
                                                                           Instant.now().getEpochSecond(), body))
                .POST(HttpRequest.BodyPublishers.ofString(body)));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).isEqualTo("application/json");
        assertThat(response.body().get("sessionId").asText()).isEqualTo(tenant + ".1");
        assertThat(eventsOfTenant()).isPositive();
    }

    @Test
    void aBodyOverTheSizeLimitIsRefusedAndStoresNothing() {
        String huge = Http.write(Map.of("messageId", "big", "tenantId", tenant, "sender", CLIENT,
                                        "text", "A".repeat(300 * 1024)));

        Http.Response response = http.signed(tenant, huge);

        assertThat(response.status()).isEqualTo(413);
        assertThat(response.contentType()).isEqualTo("application/problem+json");
        assertThat(eventsOfTenant()).isZero();
    }

    /** The server decodes the path before it routes the request: so does the limit, which no spelling escapes. */
    @Test
    void aBodyOverTheSizeLimitIsRefusedWhateverTheSpellingOfThePath() {
        String huge = Http.write(Map.of("messageId", "big", "tenantId", tenant, "sender", CLIENT,
                                        "text", "A".repeat(300 * 1024)));

        Http.Response response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                                                                             + "/%77ebhooks/messages"))
                .header("Content-Type", "application/json")
                .header("X-Live-Sessions-Signature", Http.genericSignature(tenant, Http.secretOf(tenant),
                                                                           Instant.now().getEpochSecond(), huge))
                .POST(HttpRequest.BodyPublishers.ofString(huge)));

        assertThat(response.status()).isEqualTo(413);
        assertThat(eventsOfTenant()).isZero();
    }

    /**
     * A form body sent with PUT, PATCH or DELETE is one Spring would parse into request parameters, whole and before
     * any filter of the service: no endpoint takes one, and the limit applies to it as to any other.
     */
    @Test
    void aFormBodyOverTheSizeLimitIsRefused() {
        byte[] form = ("text=" + "A".repeat(300 * 1024)).getBytes(StandardCharsets.US_ASCII);

        Http.Response response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                                                                             + "/webhooks/messages"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                // A body of unknown length is sent in chunks: no Content-Length tells its size before it is read.
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(form))));

        assertThat(response.status()).isEqualTo(413);
    }

    private long eventsOfTenant() {
        return jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier LIKE ?",
                                   Long.class, tenant + ".%");
    }

    private long activitiesOfTenant() {
        return jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier LIKE ? "
                                           + "AND payload_type = 'dev.livesessions.api.ActivityRecorded'",
                                   Long.class, tenant + ".%");
    }
}
