package dev.livesessions.ingestion;

import dev.livesessions.api.LiveSignal;
import dev.livesessions.api.SignalSource;
import dev.livesessions.tenant.TenantDirectory;
import dev.livesessions.tenant.TenantSettings;
import jakarta.validation.Valid;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/** The generic inbound message webhook. A 200 answer means the message is durably stored (or was before). */
@RestController
class InboundMessageController {

    private final TenantDirectory tenants;
    private final LiveSignalClassifier classifier;
    private final LiveSignalRecorder recorder;
    private final Clock clock;

    InboundMessageController(TenantDirectory tenants, LiveSignalClassifier classifier, LiveSignalRecorder recorder,
                             Clock clock) {
        this.tenants = tenants;
        this.classifier = classifier;
        this.recorder = recorder;
        this.clock = clock;
    }

    @PostMapping("/webhooks/messages")
    IngestionResponse receive(@Valid @RequestBody InboundMessage message) {
        Instant receivedAt = clock.instant();
        String correlationId = message.correlationId() != null ? message.correlationId() : UUID.randomUUID().toString();
        TenantSettings tenant = tenants.find(message.tenantId()).orElseThrow(() -> new ResponseStatusException(
                HttpStatus.UNPROCESSABLE_ENTITY, "No tenant '" + message.tenantId() + "'"));
        Classification classification = classifier.classify(tenant, message.sender(), message.text());
        if (!classification.isLiveSignal()) {
            return new IngestionResponse(message.messageId(), classification, false, null, false, false,
                                         correlationId);
        }
        LiveSignal signal = new LiveSignal(
                message.messageId(),
                classification == Classification.SELLER_MESSAGE ? SignalSource.SELLER : SignalSource.CLIENT,
                classifier.productCode(tenant, message.text()),
                message.timestamp() != null ? message.timestamp() : receivedAt,
                receivedAt,
                correlationId);
        LiveSignalRecorder.Recording recording = recorder.record(tenant, signal);
        return new IngestionResponse(message.messageId(), classification, true, recording.sessionId(),
                                     recording.openedSession(), recording.duplicate(), correlationId);
    }

    @ExceptionHandler(SignalsNotRecordedException.class)
    ResponseEntity<ProblemDetail> notRecorded(SignalsNotRecordedException exception) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                HttpStatus.SERVICE_UNAVAILABLE, "The message was not stored; deliver it again.");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "1").body(problem);
    }
}
