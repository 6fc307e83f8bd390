package dev.livesessions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Talks to the running service over real HTTP, the way messaging providers and the dashboard do. */
public class Http {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;

    public Http(int port) {
        this.baseUrl = "http://localhost:" + port;
    }

    public record Response(int status, String contentType, JsonNode body) {
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

    /** Registers a tenant; {@code window} may be null for the global window. */
    public Response createTenant(String id, String window, String... sellerPhones) {
        Map<String, Object> tenant = new LinkedHashMap<>();
        tenant.put("id", id);
        tenant.put("name", "Tenant " + id);
        tenant.put("sellerPhones", sellerPhones);
        tenant.put("inactivityWindow", window);
        return post("/api/tenants", tenant);
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

    /** Posts an inbound message to the generic webhook. */
    public Response message(String tenantId, String messageId, String sender, String text) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("messageId", messageId);
        message.put("tenantId", tenantId);
        message.put("sender", sender);
        message.put("text", text);
        message.put("correlationId", "corr-" + messageId);
        return post("/webhooks/messages", message);
    }

    private Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = client.send(request.timeout(Duration.ofSeconds(30)).build(),
                                                        HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(),
                                response.headers().firstValue("Content-Type").orElse(null), parse(response.body()));
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

    private static String write(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
