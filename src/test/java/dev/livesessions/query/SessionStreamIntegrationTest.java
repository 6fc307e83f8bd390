package dev.livesessions.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livesessions.Http;
import dev.livesessions.IntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static dev.livesessions.Http.uniqueTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The dashboard's live stream: Server-Sent Events pushed from Axon subscription queries, scoped to the caller. */
@IntegrationTest
class SessionStreamIntegrationTest {

    private static final String SELLER = "+33611111111";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The name of the event {@link #read} adds when the server ended the stream. */
    private static final String END = "end of the stream";

    /** A Server-Sent Event as received. */
    record Event(String name, JsonNode data) {
    }

    @LocalServerPort
    int port;
    @Autowired
    SessionStreams streams;

    private final HttpClient client = HttpClient.newHttpClient();
    private final List<Stream<String>> opened = new CopyOnWriteArrayList<>();
    private Http admin;
    private String tenant;
    private String neighbour;
    private String streamerToken;

    @BeforeEach
    void twoTenantsAndAStreamerOfTheFirst() {
        admin = new Http(port);
        tenant = uniqueTenant("sse");
        neighbour = uniqueTenant("sse");
        admin.createTenant(tenant, "PT5S", SELLER);
        admin.createTenant(neighbour, null, SELLER);
        streamerToken = admin.postRaw("/api/tokens", "application/json",
                                      "{\"name\":\"dash\",\"role\":\"STREAMER\",\"tenantId\":\"" + tenant + "\"}")
                             .body().get("token").asText();
    }

    @AfterEach
    void closeStreams() {
        opened.forEach(Stream::close);
    }

    @Test
    void aNewSessionItsActivityAndItsClosureArePushedWithTheStatistics() throws Exception {
        BlockingQueue<Event> events = open(streamerToken, "");
        assertThat(next(events, "stats").data().get("tenantId").asText()).isEqualTo(tenant);

        String sessionId = admin.message(tenant, "m1", SELLER, "live").body().get("sessionId").asText();
        admin.message(neighbour, "m1", SELLER, "live elsewhere");

        // Its opening and its first message may reach the read models in two batches, and the stream in two pushes.
        JsonNode opened = sessionWhere(events, sessionId, session -> session.get("sellerMessages").asLong() == 1);
        assertThat(opened.get("status").asText()).isEqualTo("ACTIVE");
        // The statistics that follow reflect the session: those sent with it, or (seen once under load, when the
        // first ones still counted none) those of a later push. The same goes for the closure.
        statsWhere(events, stats -> stats.get("totalSessions").asLong() == 1);
        JsonNode closed = sessionIn(events, sessionId, "CLOSED");
        assertThat(closed.get("closeReason").asText()).isEqualTo("INACTIVITY");
        JsonNode statsAfterTheClosure = statsWhere(events, stats -> stats.get("activeSessions").asLong() == 0);
        assertThat(statsAfterTheClosure.get("inactiveSessions").asLong()).isEqualTo(1);
        assertThat(statsAfterTheClosure.get("totalSessions").asLong()).isEqualTo(1);
        assertThat(statsAfterTheClosure.get("liveMessages").asLong()).isEqualTo(1);
    }

    @Test
    void aStreamerNeverReceivesAnotherTenantsSessions() throws Exception {
        BlockingQueue<Event> events = open(streamerToken, "");

        admin.message(neighbour, "m1", SELLER, "live elsewhere");
        String mine = admin.message(tenant, "m1", SELLER, "live").body().get("sessionId").asText();

        List<String> tenantsSeen = new CopyOnWriteArrayList<>();
        Event event;
        do {
            event = events.poll(15, TimeUnit.SECONDS);
            assertThat(event).as("an update of " + mine).isNotNull();
            if (event.name().equals("sessions")) {
                event.data().forEach(session -> tenantsSeen.add(session.get("tenantId").asText()));
            }
        } while (!event.data().toString().contains(mine));
        assertThat(tenantsSeen).containsOnly(tenant);
    }

    /**
     * A client gone without a word (a phone out of coverage) blocks the write to its stream until the container's
     * write timeout: the other dashboards go on receiving meanwhile.
     */
    @Test
    void aStreamWhoseClientTakesNothingHoldsUpNoOtherStream() throws Exception {
        CountDownLatch stuck = new CountDownLatch(1);
        CountDownLatch gone = new CountDownLatch(1);
        BlockingQueue<String> neighbourReceived = new LinkedBlockingQueue<>();
        // The first statistics go out as the stream opens; the next write never comes back while the client is there.
        AtomicInteger writes = new AtomicInteger();
        SseEmitter silentClient = new TestEmitter(gone, event -> {
            if (writes.incrementAndGet() > 1) {
                stuck.countDown();
                gone.await();
            }
        });
        SseEmitter listeningClient = new TestEmitter(gone, neighbourReceived::add);
        try {
            streams.open(tenant, () -> true, silentClient);
            streams.open(neighbour, () -> true, listeningClient);
            admin.message(tenant, "m1", SELLER, "live");
            assertThat(stuck.await(10, TimeUnit.SECONDS)).as("the silent client's stream is writing").isTrue();

            admin.message(neighbour, "m1", SELLER, "live elsewhere");

            String received;
            do {
                received = neighbourReceived.poll(5, TimeUnit.SECONDS);
                assertThat(received).as("the neighbour's new session, pushed within 5 s").isNotNull();
            } while (!received.contains("event:sessions"));
        } finally {
            gone.countDown();
        }
    }

    /**
     * A client of a stream written without HTTP: {@code writing} sees each event as sent; once {@code gone} is counted
     * down, every write fails as a closed connection's would, and the stream ends.
     */
    private static final class TestEmitter extends SseEmitter {

        interface Writing {
            void write(String event) throws InterruptedException;
        }

        private final CountDownLatch gone;
        private final Writing writing;

        TestEmitter(CountDownLatch gone, Writing writing) {
            this.gone = gone;
            this.writing = writing;
        }

        @Override
        public void send(SseEventBuilder event) throws IOException {
            if (gone.getCount() == 0) {
                throw new IOException("The client went away");
            }
            try {
                writing.write(event.build().iterator().next().getData().toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
    }

    @Test
    void theStreamOfARevokedTokenEndsEvenWhileItsTenantIsBusy() throws Exception {
        JsonNode token = admin.postRaw("/api/tokens", "application/json",
                                       "{\"name\":\"revoked\",\"role\":\"STREAMER\",\"tenantId\":\"" + tenant
                                       + "\"}").body();
        BlockingQueue<Event> events = open(token.get("token").asText(), "");
        next(events, "stats");

        assertThat(admin.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/tokens/"
                                                                + token.get("id").asText())).DELETE()).status())
                .isEqualTo(204);

        boolean ended = false;
        long giveUp = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        for (int i = 0; !ended && System.nanoTime() < giveUp; i++) {
            // A message at every turn: the stream has sessions and statistics to send at each flush.
            admin.message(tenant, "busy-" + i, SELLER, "live");
            for (Event event = events.poll(300, TimeUnit.MILLISECONDS); event != null && !ended;
                 event = events.poll(0, TimeUnit.MILLISECONDS)) {
                ended = event.name().equals(END);
            }
        }
        assertThat(ended).as("the stream ended within 15 s").isTrue();
    }

    /** A replay pushes nothing of what it rebuilds: once it ends, the stream ends, so that its dashboard reads anew. */
    @Test
    void aStreamEndsOnceAReplayEndsSoThatItsDashboardReadsTheReadModelsAgain() throws Exception {
        BlockingQueue<Event> events = open(streamerToken, "");
        next(events, "stats");

        assertThat(admin.post("/api/replays", Map.of()).status()).isEqualTo(202);
        await().atMost(Duration.ofMinutes(3))
               .until(() -> !admin.get("/api/replays/progress").body().get("replaying").asBoolean());

        next(events, END);
    }

    @Test
    void theStreamIsRefusedToStrangersAndForOtherTenants() throws Exception {
        assertThat(status(null, "")).isEqualTo(401);
        assertThat(status(streamerToken, "?tenantId=" + neighbour)).isEqualTo(404);
    }

    private BlockingQueue<Event> open(String token, String query) throws IOException, InterruptedException {
        HttpResponse<Stream<String>> response = client.send(request(token, query),
                                                            HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/event-stream"));
        opened.add(response.body());
        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> read(response.body(), events), "sse-reader");
        reader.setDaemon(true);
        reader.start();
        return events;
    }

    private int status(String token, String query) throws IOException, InterruptedException {
        return client.send(request(token, query), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private HttpRequest request(String token, String query) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/stream"
                                                                        + query))
                                                 .header("Accept", "text/event-stream");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request.GET().build();
    }

    /** Reads "event:" and "data:" lines into events until the stream closes, then adds an {@link #END}. */
    private static void read(Stream<String> lines, BlockingQueue<Event> events) {
        String[] name = {null};
        try {
            lines.forEach(line -> {
                if (line.startsWith("event:")) {
                    name[0] = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    try {
                        events.add(new Event(name[0], JSON.readTree(line.substring(5))));
                    } catch (IOException e) {
                        throw new IllegalStateException("Not JSON: " + line, e);
                    }
                }
            });
            events.add(new Event(END, null));
        } catch (RuntimeException closed) {
            // the test closed the stream
        }
    }

    private static Event next(BlockingQueue<Event> events, String name) throws InterruptedException {
        long giveUp = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < giveUp) {
            Event event = events.poll(1, TimeUnit.SECONDS);
            if (event != null && event.name().equals(name)) {
                return event;
            }
        }
        throw new AssertionError("No '" + name + "' event within 15 s");
    }

    private static JsonNode statsWhere(BlockingQueue<Event> events, Predicate<JsonNode> condition)
            throws InterruptedException {
        long giveUp = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < giveUp) {
            Event event = events.poll(1, TimeUnit.SECONDS);
            if (event != null && event.name().equals("stats") && condition.test(event.data())) {
                return event.data();
            }
        }
        throw new AssertionError("No such statistics within 15 s");
    }

    private static JsonNode sessionIn(BlockingQueue<Event> events, String sessionId, String status)
            throws InterruptedException {
        return sessionWhere(events, sessionId, session -> session.get("status").asText().equals(status));
    }

    private static JsonNode sessionWhere(BlockingQueue<Event> events, String sessionId, Predicate<JsonNode> condition)
            throws InterruptedException {
        long giveUp = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < giveUp) {
            Event event = events.poll(1, TimeUnit.SECONDS);
            if (event != null && event.name().equals("sessions")) {
                for (JsonNode session : event.data()) {
                    if (session.get("sessionId").asText().equals(sessionId) && condition.test(session)) {
                        return session;
                    }
                }
            }
        }
        throw new AssertionError("No update of " + sessionId + " as expected within 15 s");
    }
}
