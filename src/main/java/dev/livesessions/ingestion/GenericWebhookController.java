package dev.livesessions.ingestion;

import dev.livesessions.ingestion.MessageIntake.Delivery;
import dev.livesessions.ingestion.WebhookSignatures.GenericSignature;
import dev.livesessions.tenant.TenantDirectory;
import dev.livesessions.tenant.TenantSettings;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.Optional;

/**
 * The generic webhook, for sources other than WhatsApp (a streaming platform's chat, a bridge): one message per
 * request, signed with its tenant's webhook secret (see {@link WebhookSignatures}). A 200 answer means the message
 * is durably stored (or was before: a redelivery is answered {@code duplicate: true}).
 */
@RestController
class GenericWebhookController {

    /** The request's correlation id (the caller's X-Correlation-Id, or a new one), set for every request. */
    static final String CORRELATION_ID = "correlationId";

    private final WebhookSignatures signatures;
    private final WebhookJson json;
    private final TenantDirectory tenants;
    private final MessageIntake intake;

    GenericWebhookController(WebhookSignatures signatures, WebhookJson json, TenantDirectory tenants,
                             MessageIntake intake) {
        this.signatures = signatures;
        this.json = json;
        this.tenants = tenants;
        this.intake = intake;
    }

    /**
     * Answers in JSON whatever the request's Accept header says: by the time the answer is written the message is
     * stored, and an answer other than 200 would tell its sender that it was not.
     */
    @PostMapping(path = "/webhooks/messages", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<IngestionResponse> receive(
            @RequestHeader(name = WebhookSignatures.GENERIC_HEADER, required = false) String header,
            @RequestAttribute(CORRELATION_ID) String requestCorrelationId,
            @RequestBody(required = false) byte[] body) {
        GenericSignature signature = signatures.parseGeneric(header);
        Optional<TenantSettings> signer = tenants.find(signature.tenantId());
        signatures.verifyGeneric(signature, body == null ? new byte[0] : body,
                                 signer.map(TenantSettings::webhookSecret).orElse(null));
        TenantSettings tenant = signer.orElseThrow();
        InboundMessage message = json.read(body == null ? new byte[0] : body, InboundMessage.class);
        if (!message.tenantId().equals(tenant.tenantId())) {
            throw new WrongTenantException(tenant.tenantId(), message.tenantId());
        }
        String correlationId = message.correlationId() != null ? message.correlationId() : requestCorrelationId;
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                             .body(intake.receive(List.of(new Delivery(tenant, message)), correlationId).get(0));
    }
}
