package dev.livesessions.reliability;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The event store as the checks read it, straight from PostgreSQL (the audit log, not an API): which message ids were
 * recorded and how often, and each session's life, derived from its events.
 * <ul>
 *     <li>{@code ActivityRecorded} carries the message id in its payload ({@code messageId}) and in its metadata
 *     ({@code providerMessageId});</li>
 *     <li>a session lives from its {@code LiveSessionCreated.createdAt} to its {@code LiveSessionClosed.closedAt}
 *     (open-ended while it has no closure). A tenant never had two active sessions if these intervals never
 *     overlap.</li>
 * </ul>
 */
final class EventStream {

    private static final String API = "dev.livesessions.api.";

    /** A closure as stored: when the session closed (logically), why, by whom, and when the event was stored. */
    record Closure(Instant closedAt, String reason, String actor, Instant storedAt) {
    }

    /** One session's life, from its events. */
    static final class Session {
        final String sessionId;
        final String tenantId;
        Instant createdAt;
        Duration window;
        Instant lastActivityAt;
        long activities;
        final List<Closure> closures = new ArrayList<>();
        /** Activity stored after the session had closed: a message counted in a closed session. */
        final List<String> activitiesAfterClosure = new ArrayList<>();

        Session(String sessionId, String tenantId) {
            this.sessionId = sessionId;
            this.tenantId = tenantId;
        }

        Instant end() {
            return closures.isEmpty() ? Instant.MAX : closures.get(0).closedAt();
        }

        /** Where an inactivity closure must be: last activity plus the window. */
        Instant windowEnd() {
            return lastActivityAt.plus(window);
        }
    }

    final Map<String, Integer> recordedMessageIds = new HashMap<>();
    /** Ids whose metadata {@code providerMessageId} differs from the payload's {@code messageId}. */
    final List<String> metadataMismatches = new ArrayList<>();
    final Map<String, Session> sessions = new LinkedHashMap<>();
    long events;
    /** When the stream was read: a session may be open at most a second past its window by then. */
    final Instant readAt;

    private EventStream(Instant readAt) {
        this.readAt = readAt;
    }

    static EventStream read(Postgres database) {
        EventStream stream = new EventStream(Instant.now());
        for (Map<String, Object> row : database.rows("""
                SELECT aggregate_identifier, payload_type, time_stamp,
                       convert_from(payload, 'UTF8') AS payload, convert_from(meta_data, 'UTF8') AS meta_data
                FROM domain_event_entry ORDER BY global_index""")) {
            stream.apply((String) row.get("payload_type"), (String) row.get("time_stamp"),
                         json((String) row.get("payload")), json((String) row.get("meta_data")));
        }
        return stream;
    }

    private void apply(String type, String storedAt, JsonNode payload, JsonNode metaData) {
        events++;
        String sessionId = payload.path("sessionId").asText();
        switch (type.replace(API, "")) {
            case "LiveSessionCreated" -> {
                Session session = sessions.computeIfAbsent(
                        sessionId, id -> new Session(id, payload.path("tenantId").asText()));
                session.createdAt = Instant.parse(payload.path("createdAt").asText());
                session.lastActivityAt = session.createdAt;
                session.window = duration(payload.path("inactivityWindow"));
            }
            case "ActivityRecorded" -> {
                String messageId = payload.path("messageId").asText();
                recordedMessageIds.merge(messageId, 1, Integer::sum);
                if (!messageId.equals(metaData.path("providerMessageId").asText())) {
                    metadataMismatches.add(messageId);
                }
                Session session = sessions.computeIfAbsent(
                        sessionId, id -> new Session(id, payload.path("tenantId").asText()));
                Instant at = Instant.parse(payload.path("at").asText());
                session.activities++;
                if (!session.closures.isEmpty()) {
                    session.activitiesAfterClosure.add(messageId);
                }
                if (session.lastActivityAt == null || at.isAfter(session.lastActivityAt)) {
                    session.lastActivityAt = at;
                }
            }
            case "LiveSessionClosed" -> sessions.computeIfAbsent(
                    sessionId, id -> new Session(id, payload.path("tenantId").asText()))
                    .closures.add(new Closure(Instant.parse(payload.path("closedAt").asText()),
                                              payload.path("reason").asText(), metaData.path("actor").asText(null),
                                              Instant.parse(storedAt)));
            default -> {
                // archives, notices and the like: not what these checks are about
            }
        }
    }

    /** How many times a message id was recorded (0 when never). */
    int timesRecorded(String messageId) {
        return recordedMessageIds.getOrDefault(messageId, 0);
    }

    /** Message ids recorded more than once. */
    List<String> duplicatedMessageIds() {
        return recordedMessageIds.entrySet().stream().filter(entry -> entry.getValue() > 1).map(Map.Entry::getKey)
                                 .sorted().toList();
    }

    /**
     * Pairs of sessions of one tenant whose lives overlap: the tenant had two active sessions at once.
     * Described as "t001.3 [created, closed) overlaps t001.4 [created, closed)".
     */
    List<String> overlappingSessions() {
        Map<String, List<Session>> byTenant = new HashMap<>();
        sessions.values().forEach(session -> byTenant.computeIfAbsent(session.tenantId, t -> new ArrayList<>())
                                                     .add(session));
        List<String> overlaps = new ArrayList<>();
        byTenant.values().forEach(tenantSessions -> {
            tenantSessions.sort(Comparator.comparing((Session session) -> session.createdAt,
                                                     Comparator.nullsFirst(Comparator.naturalOrder())));
            for (int i = 1; i < tenantSessions.size(); i++) {
                Session earlier = tenantSessions.get(i - 1);
                Session later = tenantSessions.get(i);
                if (earlier.createdAt == null || later.createdAt == null || later.createdAt.isBefore(earlier.end())) {
                    overlaps.add(describe(earlier) + " overlaps " + describe(later));
                }
            }
        });
        return overlaps;
    }

    private static String describe(Session session) {
        return session.sessionId + " [" + session.createdAt + ", "
               + (session.closures.isEmpty() ? "open" : session.closures.get(0).closedAt()) + ")";
    }

    /** Sessions closed more than once. */
    List<String> closedMoreThanOnce() {
        return sessions.values().stream().filter(session -> session.closures.size() > 1)
                       .map(session -> session.sessionId + " closed " + session.closures.size() + " times")
                       .toList();
    }

    /**
     * Closures whose {@code closedAt} is not last activity plus the window, or that are not for inactivity: the
     * suite's tenants have no longest lifespan and nobody closes a session by hand, so a closure for another reason
     * is one the service made at another time than the window's end.
     */
    List<String> misplacedClosures() {
        List<String> wrong = new ArrayList<>();
        for (Session session : sessions.values()) {
            for (Closure closure : session.closures) {
                if (!"INACTIVITY".equals(closure.reason())) {
                    wrong.add(session.sessionId + " closed for " + closure.reason() + " at " + closure.closedAt());
                } else if (!closure.closedAt().equals(session.windowEnd())) {
                    wrong.add(session.sessionId + " closed at " + closure.closedAt() + ", not at "
                              + session.windowEnd());
                }
            }
        }
        return wrong;
    }

    /** Sessions with activity stored after their closure. */
    List<String> activityAfterClosure() {
        return sessions.values().stream().filter(session -> !session.activitiesAfterClosure.isEmpty())
                       .map(session -> session.sessionId + " recorded " + session.activitiesAfterClosure
                                       + " after closing").toList();
    }

    /** Sessions still open although their window ended over a second (the deadline polling's slack) before the read. */
    List<String> openPastTheirWindow() {
        return openWithWindowsEndingBefore(readAt.minusSeconds(1)).stream()
                .map(session -> session.sessionId + " still open, window ended " + session.windowEnd()).toList();
    }

    List<Session> openWithWindowsEndingBefore(Instant instant) {
        return sessions.values().stream()
                       .filter(session -> session.closures.isEmpty() && session.windowEnd().isBefore(instant))
                       .toList();
    }

    /** The closures made by the sessions' own deadlines (actor {@code system}). */
    List<Closure> deadlineClosures() {
        return sessions.values().stream().flatMap(session -> session.closures.stream())
                       .filter(closure -> "system".equals(closure.actor())).toList();
    }

    long closures() {
        return sessions.values().stream().mapToLong(session -> session.closures.size()).sum();
    }

    Set<String> tenants() {
        Set<String> tenants = new TreeSet<>();
        sessions.values().forEach(session -> tenants.add(session.tenantId));
        return tenants;
    }

    /** How long after its logical time each closure was stored: the closure's lateness. */
    static Duration lateness(Closure closure) {
        return Duration.between(closure.closedAt(), closure.storedAt());
    }

    private static Duration duration(JsonNode value) {
        if (value.isTextual()) {
            return Duration.parse(value.asText());
        }
        BigDecimal seconds = value.decimalValue();
        return Duration.ofSeconds(seconds.longValue(),
                                  seconds.remainder(BigDecimal.ONE).movePointRight(9).longValue());
    }

    private static JsonNode json(String text) {
        try {
            return text == null ? Sender.JSON.nullNode() : Sender.JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
