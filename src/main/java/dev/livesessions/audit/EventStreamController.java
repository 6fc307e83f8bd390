package dev.livesessions.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.livesessions.security.Caller;
import dev.livesessions.security.Revocations;
import dev.livesessions.tenant.TenantDirectory;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/** The event stream for auditors: one session's complete stream, or a tenant's events over a time range. */
@RestController
class EventStreamController {

    private static final Logger logger = LoggerFactory.getLogger(EventStreamController.class);

    private static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");
    private static final Set<String> CONTENT_HEADERS = Set.of("content-type", "content-disposition", "content-length");
    private static final Instant BEGINNING = Instant.EPOCH;
    private static final Instant END_OF_TIME = Instant.parse("9999-12-31T23:59:59.999Z");

    private final StoredEvents events;
    private final TenantDirectory tenants;
    private final Revocations revocations;
    private final ObjectMapper json;

    EventStreamController(StoredEvents events, TenantDirectory tenants, Revocations revocations, ObjectMapper json) {
        this.events = events;
        this.tenants = tenants;
        this.revocations = revocations;
        this.json = json.copy().disable(SerializationFeature.INDENT_OUTPUT)
                        .disable(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);
    }

    /**
     * A session's stream, in order, as stored: the whole of it, or the events after a sequence number, so that a
     * dashboard following a hot live reads only what is new.
     */
    @GetMapping(path = "/api/sessions/{sessionId}/events", produces = MediaType.APPLICATION_JSON_VALUE)
    void sessionEvents(@PathVariable String sessionId, @RequestParam(defaultValue = "-1") long afterSequence,
                       Caller caller, HttpServletResponse response) throws IOException {
        caller.mayReadSession(sessionId);
        if (afterSequence < -1) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "'afterSequence' must be -1 or more");
        }
        if (!events.sessionHasEvents(sessionId)) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No session '" + sessionId + "'");
        }
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        JsonGenerator array = json.getFactory().createGenerator(response.getOutputStream());
        BooleanSupplier stillAllowed = revocations.stillAllowedForThisRequest();
        writeToTheEnd(response, () -> {
            array.writeStartArray();
            events.ofSession(sessionId, afterSequence, stillAllowed, event -> write(array, event));
            array.writeEndArray();
            array.flush();
        });
    }

    /** A tenant's events stored in [from, to) (the whole history by default), one JSON object per line. */
    @GetMapping(path = "/api/events/export")
    void export(@RequestParam String tenantId,
                @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
                @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to,
                Caller caller, HttpServletResponse response) throws IOException {
        caller.mayRead(tenantId);
        if (tenants.find(tenantId).isEmpty()) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No tenant '" + tenantId + "'");
        }
        // Checked before rounding, which the last instant Java knows cannot take.
        if (outside(from) || outside(to)) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "'from' and 'to' must lie between " + BEGINNING
                                                                      + " and " + END_OF_TIME);
        }
        Instant start = from == null ? BEGINNING : toTheMillisecond(from);
        Instant end = to == null ? END_OF_TIME : toTheMillisecond(to);
        if (!start.isBefore(end)) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "'from' must be before 'to'");
        }
        response.setContentType(NDJSON.toString());
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + tenantId + "-events.ndjson\"");
        OutputStream out = response.getOutputStream();
        BooleanSupplier stillAllowed = revocations.stillAllowedForThisRequest();
        writeToTheEnd(response,
                      () -> events.ofTenant(tenantId, start, end, stillAllowed, event -> writeLine(out, event)));
    }

    private static boolean outside(Instant instant) {
        return instant != null && (instant.isBefore(BEGINNING) || instant.isAfter(END_OF_TIME));
    }

    /**
     * The millisecond at or after an instant: events are stored to the millisecond, so that {@code [from, to)} keeps
     * the same events with both ends rounded up.
     */
    private static Instant toTheMillisecond(Instant instant) {
        Instant millisecond = instant.truncatedTo(ChronoUnit.MILLIS);
        return millisecond.equals(instant) ? instant : millisecond.plusMillis(1);
    }

    /**
     * Writes the answer on the request's own thread, for as long as it takes: an asynchronous answer would be cut at
     * the container's timeout and still end like a complete one. A failure before the first bytes went out is an
     * ordinary error answer: the events written so far and their content headers are dropped, the other headers (the
     * correlation id, cookies) kept. After, the answer is broken off: the container closes the connection without
     * ending it, so that no client takes part of the events for all of them. A client that went away only stops the
     * writing. A caller revoked or disabled while the answer is written gets no further event: a 401 if none went out
     * yet, an answer broken off otherwise.
     */
    private static void writeToTheEnd(HttpServletResponse response, Writing writing) throws IOException {
        try {
            writing.write();
        } catch (UncheckedIOException clientGone) {
            throw clientGone.getCause();
        } catch (StoredEvents.AccessRevoked revoked) {
            if (!response.isCommitted()) {
                dropTheEvents(response);
                response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer"); // as every other 401 of the API
                throw new ResponseStatusException(HttpStatus.UNAUTHORIZED, revoked.getMessage());
            }
            logger.info("The caller was revoked while its events were being written; breaking the answer off");
            throw new BrokenOff();
        } catch (RuntimeException failure) {
            if (!response.isCommitted()) {
                dropTheEvents(response);
                throw failure;
            }
            logger.error("Events could not be written to the end of an answer already begun; breaking it off",
                         failure);
            throw new BrokenOff();
        }
    }

    private void write(JsonGenerator array, StoredEvent event) {
        try {
            json.writeValue(array, event);
        } catch (IOException clientGone) {
            throw new UncheckedIOException(clientGone);
        }
    }

    private void writeLine(OutputStream out, StoredEvent event) {
        try {
            out.write(json.writeValueAsBytes(event));
            out.write('\n');
        } catch (IOException clientGone) {
            throw new UncheckedIOException(clientGone);
        }
    }

    /**
     * Empties an answer not yet sent of the events and of the headers that describe them, keeping the others (the
     * correlation id, cookies). The servlet API removes headers only all at once, and Tomcat ignores a header set to
     * null.
     */
    private static void dropTheEvents(HttpServletResponse response) {
        Map<String, List<String>> kept = new LinkedHashMap<>();
        for (String name : response.getHeaderNames()) {
            if (!CONTENT_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                kept.put(name, List.copyOf(response.getHeaders(name)));
            }
        }
        response.reset();
        kept.forEach((name, values) -> values.forEach(value -> response.addHeader(name, value)));
    }

    @FunctionalInterface
    private interface Writing {
        void write() throws IOException;
    }

    /**
     * Events that could not be written to the end of an answer already begun. It carries no cause: the error
     * handlers that answer a failure like its cause (a database down is a 503) would write their answer into the
     * events' body and end it cleanly. Nothing handles this one, so the container breaks the connection off.
     */
    private static final class BrokenOff extends RuntimeException {
        BrokenOff() {
            super("The events could not be written to the end of the answer", null, false, false);
        }
    }
}
