package dev.livesessions.reliability;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livesessions.Http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Talks to a node over HTTP as the outside world does: signed webhook requests as a messaging provider, and admin
 * API calls with the admin bearer token.
 */
final class Sender {

    static final ObjectMapper JSON = new ObjectMapper();

    /** Status of an answer that never came: the connection failed (refused, reset by a killed node). */
    static final int CONNECTION_FAILED = -1;
    /** Status of an answer that did not come in time. */
    static final int TIMED_OUT = -2;

    /**
     * The node's answer to a webhook request; {@code latencyNanos} is how long it took, and {@code refusal} the body
     * of an answer other than 200 (null otherwise).
     */
    record Answer(int status, boolean duplicate, String sessionId, boolean created, long latencyNanos,
                  String refusal) {

        boolean acknowledged() {
            return status == 200;
        }
    }

    private final HttpClient http = HttpClient.newBuilder()
                                              .version(HttpClient.Version.HTTP_1_1)
                                              .connectTimeout(Duration.ofSeconds(2))
                                              .build();

    /** Posts a message to the node's generic webhook, signed with its tenant's secret as it is sent. */
    Answer deliver(ServiceNode node, Message message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("messageId", message.id());
        body.put("tenantId", message.tenantId());
        body.put("sender", message.sender());
        body.put("text", message.text());
        String json = write(body);
        long t = Instant.now().getEpochSecond();
        String signature = "tenant=" + message.tenantId() + ",t=" + t + ",v1="
                           + Http.hmacHex(Tenants.secretOf(message.tenantId()), t + "." + json);
        HttpRequest request = HttpRequest.newBuilder(node.url("/webhooks/messages"))
                                         .timeout(Duration.ofSeconds(20))
                                         .header("Content-Type", "application/json")
                                         .header("X-Live-Sessions-Signature", signature)
                                         .POST(HttpRequest.BodyPublishers.ofString(json))
                                         .build();
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            long latency = System.nanoTime() - start;
            if (response.statusCode() != 200) {
                return new Answer(response.statusCode(), false, null, false, latency, response.body());
            }
            JsonNode answer = JSON.readTree(response.body());
            return new Answer(200, answer.path("duplicate").asBoolean(), answer.path("sessionId").asText(null),
                              answer.path("created").asBoolean(), latency, null);
        } catch (HttpTimeoutException e) {
            return new Answer(TIMED_OUT, false, null, false, System.nanoTime() - start, null);
        } catch (IOException e) {
            return new Answer(CONNECTION_FAILED, false, null, false, System.nanoTime() - start, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(CONNECTION_FAILED, false, null, false, System.nanoTime() - start, null);
        }
    }

    /** Registers a tenant whose seller is {@link Message#SELLER_PHONE}. */
    void createTenant(ServiceNode node, String tenantId, Duration inactivityWindow) {
        Map<String, Object> tenant = new LinkedHashMap<>();
        tenant.put("id", tenantId);
        tenant.put("name", "Reliability " + tenantId);
        tenant.put("sellerPhones", List.of(Message.SELLER_PHONE));
        tenant.put("webhookSecret", Tenants.secretOf(tenantId));
        tenant.put("inactivityWindow", inactivityWindow.toString());
        api(node, "POST", "/api/tenants", tenant);
    }

    /**
     * What a node found when it rebuilt the read models in memory and compared them with its own.
     *
     * @param tenantsLeftOut  tenants whose events moved on during the comparison, not compared
     * @param differenceCount every difference; {@code differences} lists the first ones
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Verification(int sessionsCompared, int tenantsLeftOut, int differenceCount, List<String> differences) {
    }

    /** Asks the node to rebuild the read models in memory and compare them with its own. */
    Verification verifyReadModels(ServiceNode node) {
        return JSON.convertValue(api(node, "POST", "/api/replays/verification", Map.of()), Verification.class);
    }

    /** An admin API call that must succeed. @return the answer's JSON */
    JsonNode api(ServiceNode node, String method, String path, Object body) {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                                                           : HttpRequest.BodyPublishers.ofString(write(body));
        HttpRequest request = HttpRequest.newBuilder(node.url(path))
                                         .timeout(Duration.ofMinutes(2))
                                         .header("Authorization", "Bearer " + ServiceNode.ADMIN_TOKEN)
                                         .header("Content-Type", "application/json")
                                         .method(method, publisher)
                                         .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new IllegalStateException(method + " " + path + " on " + node.name() + " answered "
                                                + response.statusCode() + ": " + response.body());
            }
            return response.body().isBlank() ? JSON.nullNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " on " + node.name() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A node's Prometheus metrics, as text. */
    String metrics(ServiceNode node) {
        try {
            return http.send(HttpRequest.newBuilder(node.url("/actuator/prometheus")).timeout(Duration.ofSeconds(60))
                                        .build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The sum of the values of a metric's series whose line contains every one of the given fragments. */
    static double metric(String prometheusText, String name, String... fragments) {
        double sum = 0;
        for (String line : prometheusText.split("\n")) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
                continue;
            }
            boolean matches = true;
            for (String fragment : fragments) {
                matches &= line.contains(fragment);
            }
            if (matches) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
