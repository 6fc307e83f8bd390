package dev.livesessions.ingestion;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livesessions.Http;
import dev.livesessions.IntegrationTest;
import dev.livesessions.api.ActivityRecorded;
import dev.livesessions.api.LiveSessionCreated;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.spring.JqwikSpringSupport;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thousands of generated bad bodies, correctly signed so that they reach the parsing and validation, thrown at both
 * webhooks: every answer is a 4xx, and the event store and the message log are unchanged afterwards.
 */
@JqwikSpringSupport
@IntegrationTest
class HostileInputPropertyTest {

    private static final String TENANT = "hostile";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Value("${local.server.port}")
    int port;
    @Autowired
    JdbcTemplate jdbc;

    /** The store's counts before the first try; Spring's injection is done only once a try runs. */
    private long[] before;

    @AfterProperty
    void nothingWasStored() {
        assertThat(before).as("tries ran").isNotNull();
        assertThat(storeCounts()).isEqualTo(before);
    }

    @Property(tries = 5_000)
    void theGenericWebhookAnswersBadBodiesWithA4xx(@ForAll("badGenericBodies") byte[] body) {
        rememberTheStoreOnce();
        long now = Instant.now().getEpochSecond();
        String signature = "tenant=" + TENANT + ",t=" + now + ",v1=" + hmacHex(Http.secretOf(TENANT), now + ".", body);

        int status = post("/webhooks/messages", "X-Live-Sessions-Signature", signature, body);

        assertThat(status).isBetween(400, 499);
    }

    @Property(tries = 5_000)
    void theWhatsAppWebhookAnswersBadBodiesWithA4xx(@ForAll("badWhatsAppBodies") byte[] body) {
        rememberTheStoreOnce();
        String signature = "sha256=" + hmacHex(IntegrationTest.WHATSAPP_APP_SECRET, "", body);

        int status = post("/webhooks/whatsapp", "X-Hub-Signature-256", signature, body);

        assertThat(status).isBetween(400, 499);
    }

    private void rememberTheStoreOnce() {
        if (before == null) {
            Http http = new Http(port);
            http.createTenant(TENANT, null, "+33600000000");
            // The WhatsApp bodies are for this number: a registered one, so they are read, not ignored.
            http.ensureWhatsAppTenant(WhatsAppWebhookIntegrationTest.SHOP_A,
                                      WhatsAppWebhookIntegrationTest.SHOP_A_NUMBER,
                                      WhatsAppWebhookIntegrationTest.SHOP_A_SELLER);
            before = storeCounts();
        }
    }

    /**
     * What a webhook can add: the sessions opened and the activity recorded, and the message log. Other events (the
     * closures of earlier tests' sessions, whose deadlines fire meanwhile) are not the webhooks' doing.
     */
    private long[] storeCounts() {
        return new long[] {
                jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE payload_type IN (?, ?)", Long.class,
                                    LiveSessionCreated.class.getName(), ActivityRecorded.class.getName()),
                jdbc.queryForObject("SELECT count(*) FROM inbound_message", Long.class)};
    }

    @Provide
    Arbitrary<byte[]> badGenericBodies() {
        Map<String, Object> valid = new LinkedHashMap<>();
        valid.put("messageId", "m-1");
        valid.put("tenantId", TENANT);
        valid.put("sender", "+33700000001");
        valid.put("text", "A12");
        return Arbitraries.oneOf(commonBadBodies(write(valid)),
                                 withoutOrWrong(valid, List.of("messageId", "tenantId", "sender")),
                                 withBadValue(valid, "messageId"),
                                 withBadValue(valid, "sender"),
                                 otherTenant(valid));
    }

    @Provide
    Arbitrary<byte[]> badWhatsAppBodies() {
        String valid = WhatsAppWebhookIntegrationTest.payload("text-message.json").strip();
        return Arbitraries.oneOf(commonBadBodies(valid.getBytes(StandardCharsets.UTF_8)),
                                 brokenWhatsApp(valid));
    }

    /**
     * Truncated JSON (of a {@code valid} body that ends with its closing brace), random bytes (invalid UTF-8 among
     * them), deep nesting, JSON of the wrong shape.
     */
    private static Arbitrary<byte[]> commonBadBodies(byte[] valid) {
        Arbitrary<byte[]> truncated = Arbitraries.integers().between(0, valid.length - 1)
                                                 .map(length -> Arrays.copyOf(valid, length));
        Arbitrary<byte[]> randomBytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(400);
        Arbitrary<byte[]> randomText = Arbitraries.strings().all().ofMaxLength(200)
                                                  .map(text -> text.getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> nested = Arbitraries.integers().between(33, 5_000)
                                              .map(depth -> ("[".repeat(depth) + "]".repeat(depth))
                                                      .getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> wrongShape = Arbitraries.of("null", "true", "42", "\"text\"", "[]", "{}", "[{}]",
                                                      "{\"a\":1}{\"b\":2}")
                                                  .map(text -> text.getBytes(StandardCharsets.UTF_8));
        return Arbitraries.oneOf(truncated, randomBytes, randomText, nested, wrongShape);
    }

    /** The valid message with a required field removed or of the wrong type. */
    private static Arbitrary<byte[]> withoutOrWrong(Map<String, Object> valid, List<String> required) {
        Arbitrary<Object> wrongValues = Arbitraries.of(42, 1.5, true, List.of("A1"), Map.of("a", 1), "", "   ")
                                                   .map(value -> (Object) value)
                                                   .injectNull(0.15);
        return Arbitraries.of(required).flatMap(field -> Arbitraries.oneOf(
                Arbitraries.just(without(valid, field)),
                wrongValues.map(value -> with(valid, field, value))));
    }

    /** Ids with control characters or half of a surrogate pair (sent as a JSON escape), or far too long. */
    private static Arbitrary<byte[]> withBadValue(Map<String, Object> valid, String field) {
        Arbitrary<String> controls = Arbitraries.strings().withCharRange('\u0000', '\u001f').ofMinLength(1)
                                                .ofMaxLength(5).map(control -> "m" + control);
        Arbitrary<String> halfPairs = Arbitraries.chars().range('\uD800', '\uDFFF').map(half -> "m" + half);
        Arbitrary<String> tooLong = Arbitraries.integers().between(201, 70_000).map("x"::repeat);
        return Arbitraries.oneOf(controls, halfPairs, tooLong).map(value -> with(valid, field, value));
    }

    private static Arbitrary<byte[]> otherTenant(Map<String, Object> valid) {
        return Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(40)
                          .filter(tenant -> !tenant.equals(TENANT))
                          .map(tenant -> with(valid, "tenantId", tenant));
    }

    /** Meta's format with one part broken: a required part removed or replaced by something of the wrong kind. */
    private static Arbitrary<byte[]> brokenWhatsApp(String valid) {
        return Arbitraries.of(
                valid.replace("\"object\": \"whatsapp_business_account\",", ""),
                valid.replace("\"entry\": [", "\"entry\": 7, \"x\": ["),
                valid.replace("\"changes\": [", "\"changes\": \"none\", \"x\": ["),
                valid.replace("\"phone_number_id\": \"106540352242922\"", "\"phone_number_id\": \"abc\""),
                valid.replace("\"phone_number_id\": \"106540352242922\"", "\"phone_number_id\": 12"),
                valid.replaceFirst("\"timestamp\": \"\\d+\"", "\"timestamp\": \"yesterday\""),
                valid.replace("\"id\": \"wamid", "\"id\": \"\\u0000wamid"),
                valid.replace("\"type\": \"text\",", "\"type\": 5,"),
                valid.replace("\"messages\": [", "\"messages\": [null, "),
                valid.replace("\"value\": {", "\"value\": null, \"x\": {"))
                          .map(text -> text.getBytes(StandardCharsets.UTF_8));
    }

    /** HttpURLConnection: with keep-alive, the cheapest client for ten thousand small requests. */
    private int post(String path, String header, String signature, byte[] body) {
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create("http://localhost:" + port + path).toURL()
                                                                  .openConnection();
            connection.setRequestMethod("POST");
            connection.setDoOutput(true);
            connection.setRequestProperty("Content-Type", "application/json");
            connection.setRequestProperty(header, signature);
            connection.setFixedLengthStreamingMode(body.length);
            try (OutputStream out = connection.getOutputStream()) {
                out.write(body);
            }
            int status = connection.getResponseCode();
            try (InputStream answer = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
                if (answer != null) {
                    answer.readAllBytes();
                }
            }
            return status;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] without(Map<String, Object> valid, String field) {
        Map<String, Object> copy = new LinkedHashMap<>(valid);
        copy.remove(field);
        return write(copy);
    }

    private static byte[] with(Map<String, Object> valid, String field, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(valid);
        copy.put(field, value);
        return write(copy);
    }

    private static byte[] write(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String hmacHex(String secret, String prefix, byte[] body) {
        byte[] signed = new byte[prefix.length() + body.length];
        System.arraycopy(prefix.getBytes(StandardCharsets.US_ASCII), 0, signed, 0, prefix.length());
        System.arraycopy(body, 0, signed, prefix.length(), body.length);
        return HexFormat.of().formatHex(WebhookSignatures.hmac(secret, signed));
    }
}
