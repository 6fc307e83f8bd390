package dev.livesessions.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.livesessions.security.Caller;
import dev.livesessions.tenant.TenantDirectory;
import jakarta.servlet.http.HttpServletResponse;
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
        writeToTheEnd(response, () -> {
            array.writeStartArray();
            events.ofSession(sessionId, afterSequence, event -> write(array, event));
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
        Instant start = from == null ? BEGINNING : from;
        Instant end = to == null ? END_OF_TIME : to;
        if (!start.isBefore(end)) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "'from' must be before 'to'");
        }
        response.setContentType(NDJSON.toString());
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + tenantId + "-events.ndjson\"");
        OutputStream out = response.getOutputStream();
        writeToTheEnd(response, () -> events.ofTenant(tenantId, start, end, event -> writeLine(out, event)));
    }

    /**
     * Writes the answer on the request's own thread, for as long as it takes: an asynchronous answer would be cut at
     * the container's timeout and still end like a complete one. A failure before the first bytes went out is an
     * ordinary error answer (what was written of the events is dropped); after, the answer is broken off (the
     * container closes the connection without ending it), so that no client takes part of the events for all of
     * them. A client that went away only stops the writing.
     */
    private static void writeToTheEnd(HttpServletResponse response, Writing writing) throws IOException {
        try {
            writing.write();
        } catch (UncheckedIOException clientGone) {
            throw clientGone.getCause();
        } catch (RuntimeException failure) {
            if (!response.isCommitted()) {
                response.reset();
                throw failure;
            }
            throw new BrokenOff(failure);
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

    @FunctionalInterface
    private interface Writing {
        void write() throws IOException;
    }

    /** Events that could not be read to the end of an answer already begun: no error handler may write after them. */
    private static final class BrokenOff extends RuntimeException {
        BrokenOff(RuntimeException cause) {
            super("The events could not be written to the end of the answer", cause);
        }
    }
}
