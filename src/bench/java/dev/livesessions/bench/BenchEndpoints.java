package dev.livesessions.bench;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.ApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import javax.sql.DataSource;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Endpoints that exist only in a benchmark run (the service is started with {@code bench.endpoints.enabled=true} and
 * the bench classes on its classpath). They run in the service's JVM, on its Tomcat, its Spring MVC and its
 * connection pool, so that the baselines share the service's HTTP stack and database.
 * <ul>
 *     <li>{@code /webhooks/bench-raw}: one event-sized row INSERT + COMMIT per request, the limit of "durable per
 *     request";</li>
 *     <li>{@code /webhooks/bench-crud}: the design this service replaces (seed story 2.6), per message;</li>
 *     <li>{@code /bench/control/...}: in-process load, the raw read of the event table, heap after GC (these need
 *     the admin token, like any endpoint the service does not open).</li>
 * </ul>
 * The baselines sit under {@code /webhooks/} so that every request passes exactly the filters the generic webhook
 * passes (the service's security chain with its observations, the body limit, the correlation id). They take the
 * generic webhook's body but do not check its signature: they are bare on purpose.
 */
@RestController
@ConditionalOnProperty(name = "bench.endpoints.enabled", havingValue = "true")
class BenchEndpoints {

    /** The seed's default live-signal test: a product code from a client, or anything from a seller. */
    private static final Pattern CODE = Pattern.compile("[A-Za-z]{1,3}\\d{1,6}");
    private static final String SELLER_PREFIX = "+3360";
    private static final Duration WINDOW = Duration.ofMinutes(45);
    /** About what Axon stores as an event's metadata (correlation, trace, actor). */
    private static final byte[] META_DATA = ("{\"correlationId\":\"00000000-0000-0000-0000-000000000000\","
            + "\"traceId\":\"00000000-0000-0000-0000-000000000000\",\"actor\":\"webhook\","
            + "\"providerMessageId\":\"wamid.0000000000000000000000000000\"}").getBytes(StandardCharsets.UTF_8);

    /** What a baseline answers: enough for the load generator to count it like a webhook answer. */
    record Answer(String messageId, boolean liveSignal, boolean duplicate) {
    }

    record RawRead(long events, double seconds, double eventsPerSecond) {
    }

    record Heap(long usedAfterGcBytes, long committedBytes, long maxBytes) {
    }

    private final DataSource dataSource;
    private final ApplicationContext context;
    private final ObjectMapper bodies = new ObjectMapper();
    /** Like the product's stored-event mapper: ISO times, unknown properties ignored. */
    private final ObjectMapper storedJson = JsonMapper.builder()
                                                      .addModule(new JavaTimeModule())
                                                      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                                                      .build();
    private volatile InProcessWritePath writePath;

    BenchEndpoints(DataSource dataSource, ApplicationContext context) {
        this.dataSource = dataSource;
        this.context = context;
    }

    @PostMapping(path = "/webhooks/bench-raw", consumes = MediaType.APPLICATION_JSON_VALUE)
    Answer raw(@RequestBody byte[] body) throws Exception {
        JsonNode message = bodies.readTree(body);
        String messageId = message.path("messageId").asText();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO bench.raw_event (tenant_id, message_id, payload, meta_data, received_at) "
                     + "VALUES (?, ?, ?, ?, ?)")) {
            connection.setAutoCommit(true); // the INSERT is its own transaction: one commit per request
            insert.setString(1, message.path("tenantId").asText());
            insert.setString(2, messageId);
            insert.setBytes(3, body);
            insert.setBytes(4, META_DATA);
            insert.setTimestamp(5, Timestamp.from(Instant.now()));
            insert.executeUpdate();
        }
        return new Answer(messageId, true, false);
    }

    /**
     * Per live signal, in one transaction: the tenant's current session FOR UPDATE; its last activity moved, or a new
     * session (the old one closed when its window has passed); an event_log row; commit. Not a live signal: nothing
     * is stored, as in the seed.
     */
    @PostMapping(path = "/webhooks/bench-crud", consumes = MediaType.APPLICATION_JSON_VALUE)
    Answer crud(@RequestBody byte[] body) throws Exception {
        JsonNode message = bodies.readTree(body);
        String messageId = message.path("messageId").asText();
        String tenantId = message.path("tenantId").asText();
        String text = message.path("text").asText().strip();
        boolean live = message.path("sender").asText().startsWith(SELLER_PREFIX) ? !text.isEmpty()
                : CODE.matcher(text).matches();
        if (!live) {
            return new Answer(messageId, false, false);
        }
        for (int attempt = 1; ; attempt++) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try {
                    recordInCurrentSession(connection, tenantId, messageId, body);
                    connection.commit();
                    return new Answer(messageId, true, false);
                } catch (SQLException e) {
                    connection.rollback();
                    // Two first messages of a tenant both found no session: the second insert loses on the unique
                    // index of active sessions, and finds the new session when tried again.
                    if (!"23505".equals(e.getSQLState()) || attempt == 3) {
                        throw e;
                    }
                } finally {
                    connection.setAutoCommit(true);
                }
            }
        }
    }

    private void recordInCurrentSession(Connection connection, String tenantId, String messageId, byte[] body)
            throws SQLException {
        Timestamp now = Timestamp.from(Instant.now());
        Long sessionId = null;
        try (PreparedStatement current = connection.prepareStatement(
                "SELECT id, last_activity_at FROM bench.live_session WHERE tenant_id = ? AND status = 'active' "
                + "FOR UPDATE")) {
            current.setString(1, tenantId);
            try (ResultSet row = current.executeQuery()) {
                if (row.next()) {
                    long id = row.getLong(1);
                    boolean expired = row.getTimestamp(2).toInstant().plus(WINDOW).isBefore(now.toInstant());
                    if (expired) {
                        update(connection, "UPDATE bench.live_session SET status = 'closed', updated_at = ? "
                                           + "WHERE id = ?", now, id);
                    } else {
                        update(connection, "UPDATE bench.live_session SET last_activity_at = ?, updated_at = ? "
                                           + "WHERE id = ?", now, id);
                        sessionId = id;
                    }
                }
            }
        }
        if (sessionId == null) {
            try (PreparedStatement open = connection.prepareStatement(
                    "INSERT INTO bench.live_session (tenant_id, status, last_activity_at, created_at, updated_at) "
                    + "VALUES (?, 'active', ?, ?, ?) RETURNING id")) {
                open.setString(1, tenantId);
                open.setTimestamp(2, now);
                open.setTimestamp(3, now);
                open.setTimestamp(4, now);
                try (ResultSet row = open.executeQuery()) {
                    row.next();
                    sessionId = row.getLong(1);
                }
            }
        }
        try (PreparedStatement log = connection.prepareStatement(
                "INSERT INTO bench.event_log (tenant_id, type, live_session_id, message_id, payload, created_at) "
                + "VALUES (?, 'live_session.activity', ?, ?, ?, ?)")) {
            log.setString(1, tenantId);
            log.setLong(2, sessionId);
            log.setString(3, messageId);
            log.setBytes(4, body);
            log.setTimestamp(5, now);
            log.executeUpdate();
        }
    }

    private static void update(Connection connection, String sql, Timestamp now, long id) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(sql)) {
            int next = 1;
            if (sql.contains("last_activity_at = ?")) {
                update.setTimestamp(next++, now);
            }
            update.setTimestamp(next++, now);
            update.setLong(next, id);
            update.executeUpdate();
        }
    }

    /** Runs a load through the write path in this JVM, and answers what it measured. */
    @PostMapping("/bench/control/in-process")
    LoadResult inProcess(@RequestBody LoadPlan plan) throws InterruptedException {
        if (writePath == null) {
            writePath = new InProcessWritePath(context);
        }
        return LoadRunner.run(plan, writePath::sender);
    }

    /**
     * The limit of a replay: every event in order, read over one JDBC cursor, its payload deserialized to its event
     * class with a mapper set up like the product's. Nothing is written.
     */
    @PostMapping("/bench/control/raw-read")
    RawRead rawRead() throws Exception {
        Map<String, Class<?>> types = new HashMap<>();
        long events = 0;
        long started = System.nanoTime();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false); // PostgreSQL streams a result with a fetch size only in a transaction
            try (PreparedStatement read = connection.prepareStatement(
                    "SELECT global_index, time_stamp, payload_type, payload, meta_data FROM domain_event_entry "
                    + "ORDER BY global_index")) {
                read.setFetchSize(1_000);
                try (ResultSet rows = read.executeQuery()) {
                    while (rows.next()) {
                        Class<?> type = types.computeIfAbsent(rows.getString(3), BenchEndpoints::load);
                        storedJson.readValue(rows.getBytes(4), type);
                        rows.getBytes(5);
                        events++;
                    }
                }
            } finally {
                connection.rollback();
                connection.setAutoCommit(true);
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return new RawRead(events, seconds, events / seconds);
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("Unknown event type " + name, e);
        }
    }

    /** Heap in use after two full collections. */
    @PostMapping("/bench/control/heap")
    Heap heap() throws InterruptedException {
        System.gc();
        Thread.sleep(200);
        System.gc();
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return new Heap(heap.getUsed(), heap.getCommitted(), heap.getMax());
    }
}
