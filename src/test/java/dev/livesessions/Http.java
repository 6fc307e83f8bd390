package dev.livesessions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Talks to the running service over real HTTP, the way messaging providers and the dashboard do. */
public class Http {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The admin token of every service the tests start (src/test/resources/config/application.properties). */
    public static final String ADMIN_TOKEN = "test-admin-token-0123456789abcdefghijklmnop";

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final String token;

    /** A client calling as the admin. */
    public Http(int port) {
        this(port, ADMIN_TOKEN);
    }

    /** A client calling with the given API token, or anonymously when it is null. */
    public Http(int port, String token) {
        this.baseUrl = "http://localhost:" + port;
        this.token = token;
    }

    /** {@code body} is the answer parsed as one JSON document; {@code text} is the answer as it came. */
    public record Response(int status, String contentType, JsonNode body, String text, HttpHeaders headers) {
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET());
    }

    public Response post(String path, Object body) {
        return postRaw(path, "application/json", write(body));
    }

    public Response put(String path, Object body) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                               .header("Content-Type", "application/json")
                               .PUT(HttpRequest.BodyPublishers.ofString(write(body))));
    }

    public Response postRaw(String path, String contentType, String body) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                               .header("Content-Type", contentType)
                               .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Registers a tenant with the webhook secret of {@link #secretOf}; {@code window} may be null. */
    public Response createTenant(String id, String window, String... sellerPhones) {
        Map<String, Object> tenant = new LinkedHashMap<>();
        tenant.put("id", id);
        tenant.put("name", "Tenant " + id);
        tenant.put("sellerPhones", sellerPhones);
        tenant.put("inactivityWindow", window);
        tenant.put("webhookSecret", secretOf(id));
        return post("/api/tenants", tenant);
    }

    /** Registers a tenant that receives the messages of a WhatsApp number, unless it exists already. */
    public void ensureWhatsAppTenant(String id, String phoneNumberId, String sellerPhone) {
        if (get("/api/tenants/" + id).status() == 404) {
            Map<String, Object> tenant = new LinkedHashMap<>();
            tenant.put("id", id);
            tenant.put("name", id);
            tenant.put("sellerPhones", List.of(sellerPhone));
            tenant.put("whatsappPhoneNumberId", phoneNumberId);
            Response created = post("/api/tenants", tenant);
            if (created.status() != 201) {
                throw new IllegalStateException("Could not register tenant " + id + ": " + created);
            }
        }
    }

    /** The webhook secret the tests give a tenant. */
    public static String secretOf(String tenantId) {
        return "test-webhook-secret-of-" + tenantId + "-0123456789abcdef";
    }

    /** The result of a request sent from another thread. */
    public static <T> T await(Future<T> future) {
        try {
            return future.get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A tenant id no other test uses. */
    public static String uniqueTenant(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** How long after the session's closing time its closure was stored, from its stream as the event store has it. */
    public Duration closureLateness(String sessionId) {
        for (JsonNode event : get("/api/sessions/" + sessionId + "/events").body()) {
            if (event.get("type").asText().endsWith("LiveSessionClosed")) {
                return Duration.between(Instant.parse(event.at("/payload/closedAt").asText()),
                                        Instant.parse(event.get("timestamp").asText()));
            }
        }
        throw new AssertionError("No closure in the stream of " + sessionId);
    }

    /** Posts an inbound message to the generic webhook, signed as its tenant. */
    public Response message(String tenantId, String messageId, String sender, String text) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("messageId", messageId);
        message.put("tenantId", tenantId);
        message.put("sender", sender);
        message.put("text", text);
        message.put("correlationId", "corr-" + messageId);
        return signed(tenantId, write(message));
    }

    /** Posts a body to the generic webhook with a valid signature of {@code tenantId}. */
    public Response signed(String tenantId, String body) {
        return signed(tenantId, secretOf(tenantId), Instant.now().getEpochSecond(), body);
    }

    /** Posts a body to the generic webhook, signed with the given secret and time. */
    public Response signed(String tenantId, String secret, long timestamp, String body) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + "/webhooks/messages"))
                               .header("Content-Type", "application/json")
                               .header("X-Live-Sessions-Signature", genericSignature(tenantId, secret, timestamp, body))
                               .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public static String genericSignature(String tenantId, String secret, long timestamp, String body) {
        return "tenant=" + tenantId + ",t=" + timestamp + ",v1=" + hmacHex(secret, timestamp + "." + body);
    }

    /** Posts a body to the WhatsApp webhook with the given X-Hub-Signature-256 (null for none). */
    public Response whatsApp(String body, String signature) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/webhooks/whatsapp"))
                                                 .header("Content-Type", "application/json")
                                                 .POST(HttpRequest.BodyPublishers.ofString(body));
        if (signature != null) {
            request.header("X-Hub-Signature-256", signature);
        }
        return send(request);
    }

    public static String hmacHex(String secret, String content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public Response send(HttpRequest.Builder request) {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = client.send(request.timeout(Duration.ofSeconds(30)).build(),
                                                        HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(),
                                response.headers().firstValue("Content-Type").orElse(null), parse(response.body()),
                                response.body(), response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode parse(String body) {
        if (body.isEmpty()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (IOException notJson) {
            return TextNode.valueOf(body);
        }
    }

    public static String write(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
