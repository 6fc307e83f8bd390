package dev.livesessions.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.livesessions.security.Caller;
import dev.livesessions.tenant.TenantDirectory;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;

/** The event stream for auditors: one session's complete stream, or a tenant's events over a time range. */
@RestController
class EventStreamController {

    private static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");
    private static final Instant BEGINNING = Instant.EPOCH;
    private static final Instant END_OF_TIME = Instant.parse("9999-12-31T23:59:59.999Z");

    private final StoredEvents events;
    private final TenantDirectory tenants;
    private final ObjectMapper json;

    EventStreamController(StoredEvents events, TenantDirectory tenants, ObjectMapper json) {
        this.events = events;
        this.tenants = tenants;
        this.json = json.copy().disable(SerializationFeature.INDENT_OUTPUT);
    }

    /**
     * A session's stream, in order, as stored: the whole of it, or the events after a sequence number, so that a
     * dashboard following a hot live reads only what is new.
     */
    @GetMapping(path = "/api/sessions/{sessionId}/events", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<StreamingResponseBody> sessionEvents(@PathVariable String sessionId,
                                                        @RequestParam(defaultValue = "-1") long afterSequence,
                                                        Caller caller) {
        caller.mayReadSession(sessionId);
        if (afterSequence < -1) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "'afterSequence' must be -1 or more");
        }
        if (!events.sessionHasEvents(sessionId)) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No session '" + sessionId + "'");
        }
        StreamingResponseBody body = out -> {
            try (JsonGenerator array = json.getFactory().createGenerator(out)) {
                array.writeStartArray();
                events.ofSession(sessionId, afterSequence, event -> write(array, event));
                array.writeEndArray();
            }
        };
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(body);
    }

    /** A tenant's events stored in [from, to) (the whole history by default), one JSON object per line. */
    @GetMapping(path = "/api/events/export")
    ResponseEntity<StreamingResponseBody> export(
            @RequestParam String tenantId,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to,
            Caller caller) {
        caller.mayRead(tenantId);
        if (tenants.find(tenantId).isEmpty()) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No tenant '" + tenantId + "'");
        }
        Instant start = from == null ? BEGINNING : from;
        Instant end = to == null ? END_OF_TIME : to;
        if (!start.isBefore(end)) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "'from' must be before 'to'");
        }
        StreamingResponseBody body = out -> events.ofTenant(tenantId, start, end, event -> writeLine(out, event));
        return ResponseEntity.ok()
                             .contentType(NDJSON)
                             .header("Content-Disposition",
                                     "attachment; filename=\"" + tenantId + "-events.ndjson\"")
                             .body(body);
    }

    private void write(JsonGenerator array, StoredEvent event) {
        try {
            json.writeValue(array, event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeLine(OutputStream out, StoredEvent event) {
        try {
            out.write(json.writeValueAsBytes(event));
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
