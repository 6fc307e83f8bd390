package dev.livesessions.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livesessions.Http;
import dev.livesessions.IntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.livesessions.Http.uniqueTenant;
import static org.assertj.core.api.Assertions.assertThat;

@IntegrationTest
class EventStreamIntegrationTest {

    private static final String SELLER = "+33611111111";
    private static final String CLIENT = "+33622222222";
    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;

    private Http http;
    private String tenant;

    @BeforeEach
    void aTenant() {
        http = new Http(port);
        tenant = uniqueTenant("audit");
        http.createTenant(tenant, null, SELLER);
    }

    @Test
    void aSessionsStreamShowsEveryEventInOrderWithWhoAndWhy() {
        String sessionId = http.message(tenant, "m1", SELLER, "on est en live").body().get("sessionId").asText();
        http.message(tenant, "m2", CLIENT, " a12 ");
        http.post("/api/sessions/" + sessionId + "/deactivate", Map.of());

        Http.Response response = http.get("/api/sessions/" + sessionId + "/events");

        assertThat(response.status()).isEqualTo(200);
        JsonNode events = response.body();
        assertThat(events.findValuesAsText("type"))
                .containsExactly("LiveSessionCreated", "ActivityRecorded", "ActivityRecorded", "LiveSessionClosed",
                                 "ArchiveScheduled");
        assertThat(events.findValues("sequence")).extracting(JsonNode::asLong).containsExactly(0L, 1L, 2L, 3L, 4L);
        JsonNode created = events.get(0);
        assertThat(created.get("revision").asText()).isEqualTo("2");
        assertThat(created.get("sessionId").asText()).isEqualTo(sessionId);
        assertThat(created.get("payload").get("tenantId").asText()).isEqualTo(tenant);
        assertThat(Instant.parse(created.get("timestamp").asText())).isBefore(Instant.now());
        JsonNode clientCode = events.get(2);
        assertThat(clientCode.get("payload").get("code").asText()).isEqualTo("A12");
        assertThat(clientCode.get("metadata").get("providerMessageId").asText()).isEqualTo("m2");
        assertThat(clientCode.get("metadata").get("correlationId").asText()).isEqualTo("corr-m2");
        JsonNode closed = events.get(3);
        assertThat(closed.get("payload").get("reason").asText()).isEqualTo("MANUAL");
        assertThat(closed.get("metadata").get("actor").asText()).isEqualTo("admin-token");
    }

    @Test
    void theEventsAfterASequenceNumberAreTheNewOnesOnly() {
        String sessionId = http.message(tenant, "m1", SELLER, "on est en live").body().get("sessionId").asText();
        http.message(tenant, "m2", CLIENT, "A1");
        http.message(tenant, "m3", CLIENT, "A2");

        JsonNode newer = http.get("/api/sessions/" + sessionId + "/events?afterSequence=1").body();

        assertThat(newer.findValues("sequence")).extracting(JsonNode::asLong).containsExactly(2L, 3L);
        assertThat(http.get("/api/sessions/" + sessionId + "/events?afterSequence=3").body()).isEmpty();
        assertThat(http.get("/api/sessions/" + sessionId + "/events?afterSequence=-2").status()).isEqualTo(400);
        assertThat(http.get("/api/sessions/" + sessionId + "/events?afterSequence=next").status()).isEqualTo(400);
    }

    @Test
    void aSessionWithoutEventsIsNotFound() {
        assertThat(http.get("/api/sessions/" + tenant + ".1/events").status()).isEqualTo(404);
    }

    @Test
    void aTenantsEventsExportAsOneJsonObjectPerLineWithinTheAskedRange() throws Exception {
        String first = http.message(tenant, "m1", SELLER, "live").body().get("sessionId").asText();
        http.post("/api/sessions/" + first + "/deactivate", Map.of());
        Instant between = aMillisecondApart();
        String second = http.message(tenant, "m2", SELLER, "live again").body().get("sessionId").asText();
        String neighbour = uniqueTenant("audit");
        http.createTenant(neighbour, null, SELLER);
        http.message(neighbour, "m1", SELLER, "live");

        List<JsonNode> everything = export("");
        List<JsonNode> later = export("&from=" + between);
        List<JsonNode> earlier = export("&to=" + between);

        assertThat(everything).extracting(event -> event.get("sessionId").asText()).containsOnly(first, second);
        assertThat(everything).extracting(event -> event.get("globalIndex").asLong()).isSorted();
        assertThat(later).extracting(event -> event.get("sessionId").asText()).containsOnly(second);
        assertThat(earlier).extracting(event -> event.get("sessionId").asText()).containsOnly(first);
        assertThat(earlier.size() + later.size()).isEqualTo(everything.size());
    }

    @Test
    void anExportOfAnUnknownTenantOrAnEmptyRangeIsRefused() {
        assertThat(http.get("/api/events/export?tenantId=nobody-here").status()).isEqualTo(404);
        Instant now = Instant.now();
        assertThat(http.get("/api/events/export?tenantId=" + tenant + "&from=" + now + "&to=" + now).status())
                .isEqualTo(400);
        assertThat(http.get("/api/events/export?tenantId=" + tenant + "&from=yesterday").status()).isEqualTo(400);
    }

    /** The store keeps events' times to the millisecond: a point in time no event shares with one on either side. */
    private static Instant aMillisecondApart() throws InterruptedException {
        Thread.sleep(2);
        Instant between = Instant.now();
        Thread.sleep(2);
        return between;
    }

    private List<JsonNode> export(String range) {
        Http.Response response = http.get("/api/events/export?tenantId=" + tenant + range);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).isEqualTo("application/x-ndjson");
        return response.text().lines().map(EventStreamIntegrationTest::parse).toList();
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
