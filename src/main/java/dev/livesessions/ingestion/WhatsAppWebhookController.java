package dev.livesessions.ingestion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livesessions.LiveSessionsProperties;
import dev.livesessions.ingestion.MessageIntake.Delivery;
import dev.livesessions.ingestion.WhatsAppNotification.Message;
import dev.livesessions.tenant.TenantDirectory;
import dev.livesessions.tenant.TenantSettings;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The WhatsApp Cloud API webhook: Meta's verification handshake (GET) and its signed notifications (POST).
 * <p>
 * Every text-bearing message of a notification is processed; delivery statuses, message types without text and
 * numbers no tenant has registered are acknowledged and ignored, each counted in
 * {@code live_sessions.whatsapp.ignored}. Meta retries anything but a 2xx for days and batches messages of several
 * numbers into one notification, so an unregistered number must not fail the others (ADR 7). Also acknowledged and
 * ignored: notifications of the Meta app's other products, whatever their shape, and messages sent longer ago than
 * message ids are remembered (at least the 7 days Meta retries for): only a notification captured and sent again
 * (its signature has no time in it) brings one, and its id may be forgotten.
 */
@RestController
class WhatsAppWebhookController {

    private static final Logger logger = LoggerFactory.getLogger(WhatsAppWebhookController.class);
    private static final String WHATSAPP_OBJECT = "whatsapp_business_account";

    /** What the notification amounted to; Meta reads only the status, this is for people. */
    record Receipt(int messages, int liveSignals, int duplicates, int ignored) {
    }

    private final LiveSessionsProperties.WhatsApp settings;
    private final WebhookSignatures signatures;
    private final WebhookJson json;
    private final TenantDirectory tenants;
    private final MessageIntake intake;
    private final MeterRegistry meters;
    private final Duration expireAfter;
    private final Clock clock;

    WhatsAppWebhookController(LiveSessionsProperties properties, WebhookSignatures signatures, WebhookJson json,
                              TenantDirectory tenants, MessageIntake intake, MeterRegistry meters, Clock clock) {
        this.settings = properties.whatsapp();
        this.expireAfter = properties.webhooks().dedupeRetention();
        this.clock = clock;
        this.signatures = signatures;
        this.json = json;
        this.tenants = tenants;
        this.intake = intake;
        this.meters = meters;
    }

    /** Meta's subscription handshake: echo the challenge when the verify token is the one configured. */
    @GetMapping(path = "/webhooks/whatsapp", produces = MediaType.TEXT_PLAIN_VALUE)
    ResponseEntity<String> verify(@RequestParam(name = "hub.mode", required = false) String mode,
                                  @RequestParam(name = "hub.verify_token", required = false) String token,
                                  @RequestParam(name = "hub.challenge", required = false) String challenge) {
        boolean accepted = settings.verifyToken() != null && token != null && challenge != null
                && "subscribe".equals(mode)
                && MessageDigest.isEqual(settings.verifyToken().getBytes(StandardCharsets.UTF_8),
                                         token.getBytes(StandardCharsets.UTF_8));
        return accepted ? ResponseEntity.ok(challenge) : ResponseEntity.status(HttpStatus.FORBIDDEN).build();
    }

    @PostMapping(path = "/webhooks/whatsapp", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Receipt> receive(
            @RequestHeader(name = WebhookSignatures.WHATSAPP_HEADER, required = false) String signature,
            @RequestAttribute(GenericWebhookController.CORRELATION_ID) String correlationId,
            @RequestBody(required = false) byte[] body) {
        if (settings.appSecret() == null) {
            throw new WebhookNotConfiguredException("live-sessions.whatsapp.app-secret is not set");
        }
        byte[] raw = body == null ? new byte[0] : body;
        signatures.verifyWhatsApp(signature, raw, settings.appSecret());
        JsonNode tree = json.readObject(raw);
        if (ofAnotherProduct(tree)) {
            return answered(new Receipt(0, 0, 0, ignore("other_object", 1)));
        }
        WhatsAppNotification notification = json.read(tree, WhatsAppNotification.class);

        List<Delivery> deliveries = new ArrayList<>();
        int ignored = 0;
        for (WhatsAppNotification.Entry entry : notification.entry()) {
            for (WhatsAppNotification.Change change : entry.changes()) {
                ignored += collect(change, correlationId, deliveries);
            }
        }
        List<IngestionResponse> responses = intake.receive(deliveries, correlationId);
        int liveSignals = (int) responses.stream().filter(IngestionResponse::liveSignal).count();
        int duplicates = (int) responses.stream().filter(IngestionResponse::duplicate).count();
        return answered(new Receipt(deliveries.size(), liveSignals, duplicates, ignored));
    }

    /**
     * In JSON whatever the request's Accept header says: by the time the answer is written the messages are stored,
     * and an answer other than 200 would tell Meta that they were not.
     */
    private static ResponseEntity<Receipt> answered(Receipt receipt) {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(receipt);
    }

    /**
     * A notification of another of the Meta app's products (a page, Instagram, ...), sent to the same address: each
     * product has a shape of its own, which is not read. It is acknowledged, or Meta would retry it for days.
     */
    private static boolean ofAnotherProduct(JsonNode notification) {
        JsonNode object = notification.get("object");
        return object != null && object.isTextual() && !object.asText().isBlank()
                && !WHATSAPP_OBJECT.equals(object.asText());
    }

    /** Adds the change's messages to {@code deliveries}; @return how many things of it were ignored */
    private int collect(WhatsAppNotification.Change change, String correlationId, List<Delivery> deliveries) {
        WhatsAppNotification.Value value = change.value();
        if (!"messages".equals(change.field()) || value.metadata() == null) {
            return ignore("other_field", 1);
        }
        int ignored = value.statuses() == null ? 0 : ignore("status", value.statuses().size());
        List<Message> messages = value.messages() == null ? List.of() : value.messages();
        if (messages.isEmpty()) {
            return ignored;
        }
        TenantSettings tenant = tenants.findByWhatsAppNumber(value.metadata().phoneNumberId()).orElse(null);
        if (tenant == null) {
            logger.warn("Ignored {} WhatsApp message(s) for phone_number_id {}: no tenant has it", messages.size(),
                        value.metadata().phoneNumberId());
            return ignored + ignore("unknown_phone_number", messages.size());
        }
        Instant expiredBefore = clock.instant().minus(expireAfter);
        for (Message message : messages) {
            String text = textOf(message);
            if (text == null) {
                ignored += ignore("unsupported_type", 1);
                continue;
            }
            String sender = message.senderAsKnownTo(tenant);
            if (sender == null) {
                ignored += ignore("no_sender", 1);
                continue;
            }
            Instant sentAt = message.timestamp() == null ? null
                    : Instant.ofEpochSecond(Long.parseLong(message.timestamp()));
            if (sentAt != null && sentAt.isBefore(expiredBefore)) {
                ignored += ignore("expired", 1);
                continue;
            }
            if (sentAt != null && !PlausibleTimestampCheck.plausible(sentAt, clock.instant())) {
                // Not when it was sent; the message still counts, as received now.
                sentAt = null;
            }
            InboundMessage inbound = new InboundMessage(message.id(), tenant.tenantId(), sender, text,
                                                        sentAt, correlationId);
            json.validate(inbound);
            deliveries.add(new Delivery(tenant, inbound));
        }
        return ignored;
    }

    /** The text a client or seller typed or chose; "" for media without caption; null for types without text. */
    private static String textOf(Message message) {
        return switch (message.type()) {
            case "text" -> message.text() == null ? "" : message.text().body();
            case "interactive" -> {
                WhatsAppNotification.Interactive interactive = message.interactive();
                if (interactive == null) {
                    yield "";
                }
                WhatsAppNotification.Reply reply = interactive.buttonReply() != null
                        ? interactive.buttonReply() : interactive.listReply();
                yield reply == null ? "" : reply.title();
            }
            case "button" -> message.button() == null ? "" : message.button().text();
            case "image" -> captionOf(message.image());
            case "video" -> captionOf(message.video());
            case "document" -> captionOf(message.document());
            default -> null;
        };
    }

    private static String captionOf(WhatsAppNotification.Media media) {
        return media == null || media.caption() == null ? "" : media.caption();
    }

    private int ignore(String reason, int count) {
        meters.counter("live_sessions.whatsapp.ignored", "reason", reason).increment(count);
        return count;
    }
}
