package dev.livesessions.ingestion;

import dev.livesessions.Http;
import dev.livesessions.api.ActivityRecorded;
import dev.livesessions.api.LiveSessionCreated;
import dev.livesessions.IntegrationTest;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Meta's payloads, verbatim from src/test/resources/whatsapp, sent over HTTP with real signatures. */
@IntegrationTest
class WhatsAppWebhookIntegrationTest {

    static final String SHOP_A = "wa-shop-a";
    static final String SHOP_A_NUMBER = "106540352242922";
    static final String SHOP_A_SELLER = "+1 555 000 1111";
    private static final String SHOP_B = "wa-shop-b";

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    MeterRegistry meters;

    private Http http;

    @BeforeEach
    void registerTheShopsNumbers() {
        http = new Http(port);
        http.ensureWhatsAppTenant(SHOP_A, SHOP_A_NUMBER, SHOP_A_SELLER);
        http.ensureWhatsAppTenant(SHOP_B, "106540352242933", "+1 555 000 2222");
    }

    @Test
    void theSubscriptionHandshakeEchoesTheChallengeOnlyForTheRightToken() {
        Http.Response accepted = http.get(verification("subscribe", IntegrationTest.WHATSAPP_VERIFY_TOKEN, "1158201444"));

        assertThat(accepted.status()).isEqualTo(200);
        assertThat(accepted.body().asText()).isEqualTo("1158201444");
        assertThat(http.get(verification("subscribe", "guess", "1158201444")).status()).isEqualTo(403);
        assertThat(http.get(verification("unsubscribe", IntegrationTest.WHATSAPP_VERIFY_TOKEN, "1")).status())
                .isEqualTo(403);
        assertThat(http.get("/webhooks/whatsapp").status()).isEqualTo(403);
    }

    @Test
    void aClientsTextMessageWithACodeIsALiveSignalOfTheNumbersTenant() {
        Http.Response response = post("text-message.json");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body().get("liveSignals").asInt()).isEqualTo(1);
        assertThat(activitiesOf("wamid.HBgLMTY1MDUwNzY1MjAVAgASGBQzQTdCNTg5RjY1MEI2OTFGMjJFNQA="))
                .containsExactly(SHOP_A + ":CLIENT:A12");
    }

    @Test
    void aSellersTextLongerThanTheGenericWebhookTakesIsStillALiveSignal() {
        // WhatsApp texts run to 4 096 characters, and an emoji is two of Java's: 4 050 characters, 4 500 of Java's.
        String messageId = "wamid.long-" + UUID.randomUUID();
        String body = payload("text-message.json")
                .replace("wamid.HBgLMTY1MDUwNzY1MjAVAgASGBQzQTdCNTg5RjY1MEI2OTFGMjJFNQA=", messageId)
                .replace("\"from\": \"16505551234\"", "\"from\": \"15550001111\"")
                .replace("\"body\": \"A12\"", "\"body\": \"" + "New in \uD83C\uDF89 ".repeat(450) + "\"");

        Http.Response response = http.whatsApp(body, "sha256=" + Http.hmacHex(IntegrationTest.WHATSAPP_APP_SECRET, body));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body().get("liveSignals").asInt()).isEqualTo(1);
        assertThat(activitiesOf(messageId)).containsExactly(SHOP_A + ":SELLER:null");
    }

    /**
     * A text far longer than any other, pasted by a client, must not cost the notification its other messages: Meta
     * sends a refused notification again unchanged, so refusing it would lose them for good.
     */
    @Test
    void aClientsVeryLongTextDoesNotCostTheNotificationItsOtherMessages() {
        String batch = "wamid.very-long-" + UUID.randomUUID() + "-";
        long now = Instant.now().getEpochSecond();
        String longText = "\uD83D\uDE00".repeat(40_000);
        String body = notification(SHOP_A_NUMBER, """
                {"from": "16505550001", "id": "%s1", "timestamp": "%d", "type": "text", "text": {"body": "%s"}},\
                {"from": "16505550002", "id": "%s2", "timestamp": "%d", "type": "text", "text": {"body": "A12"}}"""
                .formatted(batch, now, longText, batch, now));
        String signature = "sha256=" + Http.hmacHex(IntegrationTest.WHATSAPP_APP_SECRET, body);

        Http.Response response = http.whatsApp(body, signature);

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        assertThat(activitiesOf(batch + "2")).containsExactly(SHOP_A + ":CLIENT:A12");
    }

    @Test
    void anInteractiveReplyCountsByTheTitleTheClientChose() {
        Http.Response response = post("interactive-reply.json");

        assertThat(response.body().get("liveSignals").asInt()).isEqualTo(1);
        assertThat(activitiesOf("wamid.HBgLMTY1MDUwNzY1MjAVAgASGBQzQUUzRjI4RjY0NEE2RDdDRDc3MgA="))
                .containsExactly(SHOP_A + ":CLIENT:B7");
    }

    @Test
    void anImageWithoutCaptionIsAcknowledgedButIsNoLiveSignal() {
        Http.Response response = post("image-without-caption.json");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body().get("messages").asInt()).isEqualTo(1);
        assertThat(response.body().get("liveSignals").asInt()).isZero();
        assertThat(activitiesOf("wamid.HBgLMTU1NTAwMDExMTEVAgASGBQzQUZGMDEyM0I0NTY3ODlBQkNERQA=")).isEmpty();
    }

    @Test
    void statusUpdatesAreAcknowledgedIgnoredAndCounted() {
        double before = ignored("status");

        Http.Response response = post("status-update.json");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body().get("ignored").asInt()).isEqualTo(1);
        assertThat(ignored("status")).isEqualTo(before + 1);
    }

    /** Instagram's shape: its entries carry "messaging", not "changes". */
    @Test
    void aNotificationOfAnotherProductOfTheAppIsAcknowledgedAndIgnored() {
        String body = """
                {"object": "instagram", "entry": [{"id": "17841400000000000", "time": 1733400000, "messaging": [
                  {"sender": {"id": "5551234"}, "recipient": {"id": "17841400000000000"}, "timestamp": 1733400000000,
                   "message": {"mid": "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDAw", "text": "A12"}}]}]}""";
        double before = ignored("other_object");

        Http.Response response = http.whatsApp(body, "sha256=" + Http.hmacHex(IntegrationTest.WHATSAPP_APP_SECRET, body));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body().get("ignored").asInt()).isEqualTo(1);
        assertThat(ignored("other_object")).isEqualTo(before + 1);
    }

    /** Meta is told a notification is taken, in JSON, whatever its request accepts. */
    @Test
    void aNotificationIsAnsweredInJsonWhateverItsSenderAccepts() {
        String body = payload("unknown-number.json");

        Http.Response response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                                                                             + "/webhooks/whatsapp"))
                .header("Content-Type", "application/json")
                .header("Accept", "text/plain")
                .header("X-Hub-Signature-256", "sha256=" + Http.hmacHex(IntegrationTest.WHATSAPP_APP_SECRET, body))
                .POST(HttpRequest.BodyPublishers.ofString(body)));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).isEqualTo("application/json");
        assertThat(response.body().get("ignored").asInt()).isEqualTo(1);
    }

    @Test
    void messagesForANumberNoTenantHasAreAcknowledgedAndIgnored() {
        double before = ignored("unknown_phone_number");

        Http.Response response = post("unknown-number.json");

        assertThat(response.status()).isEqualTo(200);
        assertThat(ignored("unknown_phone_number")).isEqualTo(before + 1);
        assertThat(activitiesOf("wamid.HBgLMTY1MDU1NTAwMDAVAgASGBQzQTAwMDAwMDAwMDAwMDAwMDAwNgA=")).isEmpty();
    }

    @Test
    void aBatchForTwoTenantsIsStoredOnceHoweverOftenItIsRedelivered() throws Exception {
        Http.Response first = post("batch-two-tenants.json");

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body().get("messages").asInt()).isEqualTo(4);
        assertThat(first.body().get("liveSignals").asInt()).isEqualTo(3);
        assertThat(first.body().get("ignored").asInt()).isEqualTo(1);
        Map<String, List<String>> stored = batchActivities();
        assertThat(stored.values()).containsExactly(List.of(SHOP_A + ":SELLER:null"), List.of(SHOP_A + ":CLIENT:C3"),
                                                    List.of(), List.of(SHOP_B + ":CLIENT:D44"));

        ExecutorService meta = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Http.Response>> redeliveries = IntStream.range(0, 8)
                    .<Callable<Http.Response>>mapToObj(i -> () -> post("batch-two-tenants.json")).toList();
            assertThat(meta.invokeAll(redeliveries)).extracting(future -> Http.await(future).status()).containsOnly(200);
        } finally {
            meta.shutdown();
        }
        Http.Response later = post("batch-two-tenants.json");

        assertThat(later.body().get("duplicates").asInt()).isEqualTo(3);
        assertThat(batchActivities()).isEqualTo(stored);
    }

    @Test
    void aMissingOrWrongSignatureIsRefusedAndNothingIsStored() {
        String body = payload("text-message.json");
        String otherBody = payload("interactive-reply.json");
        long events = liveSignalEvents();

        List<Http.Response> refused = List.of(
                http.whatsApp(body, null),
                http.whatsApp(body, "sha256=" + Http.hmacHex("not-the-app-secret", body)),
                http.whatsApp(body, "sha256=" + Http.hmacHex(IntegrationTest.WHATSAPP_APP_SECRET, otherBody)),
                http.whatsApp(body, Http.hmacHex(IntegrationTest.WHATSAPP_APP_SECRET, body)),
                http.whatsApp(body, "sha256=zz"));

        assertThat(refused).extracting(Http.Response::status).containsOnly(401);
        assertThat(refused).extracting(Http.Response::contentType).containsOnly("application/problem+json");
        assertThat(liveSignalEvents()).isEqualTo(events);
    }

    /**
     * Meta batches the messages of a busy number: a hot live's thousand codes, each a reply to the seller's post of the
     * item, come in one notification with their senders' contacts, over 256 KB in all.
     */
    @Test
    void aThousandCodesInOneNotificationAreAllLiveSignals() {
        String batch = "wamid.HBgLMTY1MDU1NTEy" + UUID.randomUUID().toString().replace("-", "") + "-";
        long now = Instant.now().getEpochSecond();
        String contacts = IntStream.range(0, 1000).mapToObj(i -> """
                {"profile": {"name": "Client %d"}, "wa_id": "1650555%04d"}""".formatted(i, i))
                                   .collect(Collectors.joining(","));
        String messages = IntStream.range(0, 1000).mapToObj(i -> """
                {"context": {"from": "15550783881", "id": "wamid.HBgLMTU1NTA3ODM4ODEVAgARGBI5QUNBNTQ2QkE0RjlBRjg1MzQA"},\
                "from": "1650555%04d", "id": "%s%04d", "timestamp": "%d", "type": "text", "text": {"body": "A%d"}}"""
                .formatted(i, batch, i, now, i % 500 + 1)).collect(Collectors.joining(","));
        String body = """
                {"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{"field": "messages",\
                "value": {"messaging_product": "whatsapp", "metadata": {"display_phone_number": "15550783881",\
                "phone_number_id": "%s"}, "contacts": [%s], "messages": [%s]}}]}]}""".formatted(SHOP_A_NUMBER, contacts,
                                                                                             messages);
        assertThat(body.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(256 * 1024);

        Http.Response response = http.whatsApp(body, "sha256=" + Http.hmacHex(IntegrationTest.WHATSAPP_APP_SECRET, body));

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        assertThat(response.body().get("liveSignals").asInt()).isEqualTo(1000);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE payload_type = "
                                       + "'dev.livesessions.api.ActivityRecorded' AND convert_from(payload, 'UTF8')::json"
                                       + " ->> 'messageId' LIKE ?", Long.class, batch + "%")).isEqualTo(1000);
    }

    /**
     * A user who hides their number behind a username comes with a business-scoped user id only: that is the sender.
     * A message with neither is ignored and counted, and does not cost the notification its other messages.
     */
    @Test
    void aSenderKnownOnlyByItsUserIdIsTheSenderAndOneWithNoIdAtAllIsIgnored() {
        String batch = "wamid.usernames-" + UUID.randomUUID() + "-";
        String userId = "FR." + "1502576394655843".repeat(8);
        long now = Instant.now().getEpochSecond();
        String body = notification(SHOP_A_NUMBER, """
                {"from": "33700000001", "from_user_id": "FR.111", "id": "%sA", "timestamp": "%d", "type": "text",\
                "text": {"body": "A12"}},\
                {"from_user_id": "%s", "id": "%sB", "timestamp": "%d", "type": "text", "text": {"body": "B7"}},\
                {"id": "%sC", "timestamp": "%d", "type": "text", "text": {"body": "C3"}}"""
                .formatted(batch, now, userId, batch, now, batch, now));
        double before = ignored("no_sender");

        Http.Response response = http.whatsApp(body, "sha256=" + Http.hmacHex(IntegrationTest.WHATSAPP_APP_SECRET, body));

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        assertThat(response.body().get("liveSignals").asInt()).isEqualTo(2);
        assertThat(ignored("no_sender")).isEqualTo(before + 1);
        assertThat(activitiesOf(batch + "A")).containsExactly(SHOP_A + ":CLIENT:A12");
        assertThat(activitiesOf(batch + "B")).containsExactly(SHOP_A + ":CLIENT:B7");
        assertThat(activitiesOf(batch + "C")).isEmpty();
    }

    /**
     * A seller the tenant registered by user id is recognised whether Meta sends the number with it or not; a
     * message dated days ahead counts as received now, rather than costing the notification its other messages.
     */
    @Test
    void aSellerRegisteredByUserIdIsRecognisedWithOrWithoutTheNumber() {
        String userId = "FR." + "4242QfZ0".repeat(16); // as long as Meta's ids may be: 131 characters
        http.ensureWhatsAppTenant("wa-shop-c", "106540352242944", userId);
        String batch = "wamid.seller-by-user-id-" + UUID.randomUUID() + "-";
        long now = Instant.now().getEpochSecond();
        long inAWeek = now + Duration.ofDays(7).toSeconds();
        String body = notification("106540352242944", """
                {"from": "33700000009", "from_user_id": "%s", "id": "%sA", "timestamp": "%d", "type": "text",\
                "text": {"body": "New in: red dress"}},\
                {"from_user_id": "%s", "id": "%sB", "timestamp": "%d", "type": "text",\
                "text": {"body": "Blue scarf"}}""".formatted(userId, batch, now, userId, batch, inAWeek));

        Http.Response response = http.whatsApp(body, "sha256=" + Http.hmacHex(IntegrationTest.WHATSAPP_APP_SECRET, body));

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        assertThat(activitiesOf(batch + "A")).containsExactly("wa-shop-c:SELLER:null");
        assertThat(activitiesOf(batch + "B")).containsExactly("wa-shop-c:SELLER:null");
        Instant sentAt = Instant.parse(jdbc.queryForObject(
                "SELECT convert_from(payload, 'UTF8')::json ->> 'sentAt' FROM domain_event_entry WHERE payload_type = "
                + "'dev.livesessions.api.ActivityRecorded' AND convert_from(payload, 'UTF8')::json ->> 'messageId' = ?",
                String.class, batch + "B"));
        assertThat(sentAt).isBefore(Instant.ofEpochSecond(now).plus(Duration.ofMinutes(5)));
    }

    /**
     * Meta retries for 7 days, as long as message ids are remembered: a message sent longer ago comes only in a
     * notification captured and sent again, when its id may be forgotten. It is acknowledged and ignored.
     */
    @Test
    void aMessageSentLongerAgoThanIdsAreRememberedIsIgnored() {
        String messageId = "wamid.replayed-" + UUID.randomUUID();
        long eightDaysAgo = Instant.now().minus(Duration.ofDays(8)).getEpochSecond();
        String body = payload("text-message.json")
                .replace("wamid.HBgLMTY1MDUwNzY1MjAVAgASGBQzQTdCNTg5RjY1MEI2OTFGMjJFNQA=", messageId)
                .replaceAll("\"timestamp\": \"\\d+\"", "\"timestamp\": \"" + eightDaysAgo + "\"");
        double before = ignored("expired");

        Http.Response response = http.whatsApp(body, "sha256=" + Http.hmacHex(IntegrationTest.WHATSAPP_APP_SECRET, body));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body().get("liveSignals").asInt()).isZero();
        assertThat(ignored("expired")).isEqualTo(before + 1);
        assertThat(activitiesOf(messageId)).isEmpty();
    }

    /** A large body sent a byte at a time would keep one of the few places for large bodies for as long as it likes. */
    @Test
    void largeNotificationsStillArrivingAfterTheirTimeAreRefusedAndGiveUpTheirPlaces() throws Exception {
        byte[] start = ("{\"object\": \"whatsapp_business_account\", \"entry\": [], \"padding\": \""
                        + "x".repeat(300 * 1024)).getBytes(StandardCharsets.UTF_8);
        List<Socket> senders = new ArrayList<>();
        List<String> statusLines = new ArrayList<>();
        try {
            for (int i = 0; i < RequestBodyLimitFilter.LARGE_BODIES_AT_ONCE; i++) {
                senders.add(trickling(start));
            }
            for (Socket sender : senders) {
                statusLines.add(new BufferedReader(new InputStreamReader(sender.getInputStream(),
                                                                         StandardCharsets.US_ASCII)).readLine());
            }
        } finally {
            for (Socket sender : senders) {
                sender.close();
            }
        }

        assertThat(statusLines).hasSize(RequestBodyLimitFilter.LARGE_BODIES_AT_ONCE)
                               .allSatisfy(line -> assertThat(line).startsWith("HTTP/1.1 408"));
        String large = new String(start, StandardCharsets.UTF_8) + "\"}";
        // A request thread gives its place back just after it has sent its 408.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                http.whatsApp(large, "sha256=00").status()).as("their places are free again").isEqualTo(401));
    }

    /** A connection that sends {@code start} at once, then one more byte of its body every 200 ms until it is closed. */
    private Socket trickling(byte[] start) throws IOException {
        Socket socket = new Socket("localhost", port);
        socket.setSoTimeout(30_000);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /webhooks/whatsapp HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                   + "X-Hub-Signature-256: sha256=00\r\nContent-Length: " + (start.length + 1_000) + "\r\n\r\n")
                          .getBytes(StandardCharsets.US_ASCII));
        out.write(start);
        out.flush();
        Thread trickle = new Thread(() -> {
            try {
                for (int i = 0; i < 1_000; i++) {
                    Thread.sleep(200);
                    out.write('x');
                    out.flush();
                }
            } catch (IOException | InterruptedException closed) {
                // the service answered and hung up, or the test closed the socket
            }
        });
        trickle.setDaemon(true);
        trickle.start();
        return socket;
    }

    /**
     * A body is held in memory until its signature is checked: large ones are read four at a time, so that anyone's
     * large posts cannot fill the memory. A fifth is answered 503, which Meta retries.
     */
    @Test
    void largeNotificationsAreReadAFewAtATime() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        byte[] start = ("{\"object\": \"whatsapp_business_account\", \"entry\": [], \"padding\": \""
                        + "x".repeat(300 * 1024)).getBytes(StandardCharsets.UTF_8);
        HttpClient client = HttpClient.newHttpClient();
        List<CompletableFuture<HttpResponse<Void>>> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            // 300 KB at once, then nothing until the test releases it: the service holds it in memory meanwhile.
            InputStream body = new SequenceInputStream(new ByteArrayInputStream(start), new InputStream() {
                @Override
                public int read() throws IOException {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return -1;
                }
            });
            held.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/webhooks/whatsapp"))
                                                 .header("Content-Type", "application/json")
                                                 .header("X-Hub-Signature-256", "sha256=00")
                                                 .POST(HttpRequest.BodyPublishers.ofInputStream(() -> body)).build(),
                                      HttpResponse.BodyHandlers.discarding()));
        }
        try {
            String large = new String(start, StandardCharsets.UTF_8) + "\"}";
            AtomicReference<Http.Response> refused = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                refused.set(http.whatsApp(large, "sha256=00"));
                return refused.get().status() == 503;
            });
            assertThat(refused.get().body().get("correlationId").asText()).as("as every server error's problem")
                    .isEqualTo(refused.get().headers().firstValue("X-Correlation-Id").orElseThrow());
        } finally {
            release.countDown();
        }
        for (CompletableFuture<HttpResponse<Void>> request : held) {
            assertThat(request.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(401);
        }
        assertThat(http.whatsApp(new String(start, StandardCharsets.UTF_8) + "\"}", "sha256=00").status())
                .isEqualTo(401);
    }

    /** Meta's notifications go up to 3 MB: a batch of a thousand messages is well within. */
    @Test
    void aBodyOverTheSizeLimitOrNotJsonIsRefusedAndNothingIsStored() {
        String huge = payload("text-message.json").replace("\"A12\"", "\"" + "A".repeat(3 * 1024 * 1024) + "\"");
        long events = liveSignalEvents();

        Http.Response tooLarge = http.whatsApp(huge, "sha256=" + Http.hmacHex(IntegrationTest.WHATSAPP_APP_SECRET,
                                                                             huge));
        String text = payload("text-message.json");
        Http.Response notJson = http.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/webhooks/whatsapp"))
                .header("Content-Type", "text/plain")
                .header("X-Hub-Signature-256", "sha256=" + Http.hmacHex(IntegrationTest.WHATSAPP_APP_SECRET, text))
                .POST(HttpRequest.BodyPublishers.ofString(text)));

        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(notJson.status()).isEqualTo(415);
        assertThat(List.of(tooLarge, notJson)).extracting(Http.Response::contentType)
                                              .containsOnly("application/problem+json");
        assertThat(liveSignalEvents()).isEqualTo(events);
    }

    /** A notification of {@code messages} (JSON objects, comma-separated) to the number {@code phoneNumberId}. */
    private static String notification(String phoneNumberId, String messages) {
        return """
                {"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{"field": "messages",\
                "value": {"messaging_product": "whatsapp", "metadata": {"display_phone_number": "15550783881",\
                "phone_number_id": "%s"}, "messages": [%s]}}]}]}""".formatted(phoneNumberId, messages);
    }

    private Http.Response post(String file) {
        String body = payload(file);
        return http.whatsApp(body, "sha256=" + Http.hmacHex(IntegrationTest.WHATSAPP_APP_SECRET, body));
    }

    /**
     * One of Meta's sample notifications, its messages sent a minute ago (the samples' own times are long past: a
     * message sent before message ids are forgotten is ignored).
     */
    static String payload(String file) {
        try (InputStream in = WhatsAppWebhookIntegrationTest.class.getResourceAsStream("/whatsapp/" + file)) {
            long aMinuteAgo = Instant.now().getEpochSecond() - 60;
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replaceAll("\"timestamp\": \"\\d+\"", "\"timestamp\": \"" + aMinuteAgo + "\"");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** "tenant:source:code" of each ActivityRecorded event of a message. */
    private List<String> activitiesOf(String messageId) {
        return jdbc.queryForList(
                "SELECT (convert_from(payload, 'UTF8')::json ->> 'tenantId') || ':' || "
                        + "(convert_from(payload, 'UTF8')::json ->> 'source') || ':' || "
                        + "coalesce(convert_from(payload, 'UTF8')::json ->> 'code', 'null') FROM domain_event_entry "
                        + "WHERE payload_type = 'dev.livesessions.api.ActivityRecorded' "
                        + "AND convert_from(payload, 'UTF8')::json ->> 'messageId' = ?", String.class, messageId);
    }

    /**
     * The events a webhook can add: sessions opened and activity recorded. Closures of other tests' sessions, whose
     * deadlines fire meanwhile, are not a webhook's doing.
     */
    private long liveSignalEvents() {
        return jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE payload_type IN (?, ?)", Long.class,
                                   LiveSessionCreated.class.getName(), ActivityRecorded.class.getName());
    }

    private Map<String, List<String>> batchActivities() {
        Map<String, List<String>> stored = new LinkedHashMap<>();
        for (String id : List.of("wamid.HBgLMTU1NTAwMDExMTEVAgASGBQzQTAwMDAwMDAwMDAwMDAwMDAwMQA=",
                                 "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTAwMDAwMDAwMDAwMDAwMDAwMgA=",
                                 "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTAwMDAwMDAwMDAwMDAwMDAwMwA=",
                                 "wamid.HBgLMzQ2MDAxMTEyMjIVAgASGBQzQTAwMDAwMDAwMDAwMDAwMDAwNAA=")) {
            stored.put(id, activitiesOf(id));
        }
        return stored;
    }

    private double ignored(String reason) {
        var counter = meters.find("live_sessions.whatsapp.ignored").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    private static String verification(String mode, String token, String challenge) {
        return "/webhooks/whatsapp?hub.mode=" + mode + "&hub.verify_token=" + URLEncoder.encode(token,
                StandardCharsets.UTF_8) + "&hub.challenge=" + challenge;
    }

}
