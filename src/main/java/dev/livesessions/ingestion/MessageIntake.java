package dev.livesessions.ingestion;

import dev.livesessions.api.LiveSignal;
import dev.livesessions.api.SignalSource;
import dev.livesessions.ingestion.LiveSignalRecorder.TenantSignal;
import dev.livesessions.tenant.TenantSettings;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * What both webhooks do with the messages they accepted: classify each one for its tenant, and store the live
 * signals (together, so that they can share a commit). Returns once every live signal is durable.
 */
@Component
class MessageIntake {

    /** An accepted message and the tenant it is for. */
    record Delivery(TenantSettings tenant, InboundMessage message) {
    }

    private final LiveSignalClassifier classifier;
    private final LiveSignalRecorder recorder;
    private final Clock clock;
    private final MeterRegistry meters;

    MessageIntake(LiveSignalClassifier classifier, LiveSignalRecorder recorder, Clock clock, MeterRegistry meters) {
        this.classifier = classifier;
        this.recorder = recorder;
        this.clock = clock;
        this.meters = meters;
    }

    /** @return what happened to each message, in the order given */
    List<IngestionResponse> receive(List<Delivery> deliveries, String correlationId) {
        Instant receivedAt = clock.instant();
        List<Classification> classifications = new ArrayList<>(deliveries.size());
        List<TenantSignal> signals = new ArrayList<>();
        for (Delivery delivery : deliveries) {
            InboundMessage message = delivery.message();
            Classification classification = classifier.classify(delivery.tenant(), message.sender(), message.text());
            classifications.add(classification);
            if (classification.isLiveSignal()) {
                signals.add(new TenantSignal(delivery.tenant(), new LiveSignal(
                        message.messageId(),
                        classification == Classification.SELLER_MESSAGE ? SignalSource.SELLER : SignalSource.CLIENT,
                        classifier.productCode(delivery.tenant(), message.text()),
                        message.timestamp() != null ? message.timestamp() : receivedAt,
                        receivedAt,
                        message.correlationId() != null ? message.correlationId() : correlationId)));
            }
        }
        Iterator<LiveSignalRecorder.Recording> recordings = recorder.record(signals).iterator();
        List<IngestionResponse> responses = new ArrayList<>(deliveries.size());
        for (int i = 0; i < deliveries.size(); i++) {
            InboundMessage message = deliveries.get(i).message();
            Classification classification = classifications.get(i);
            String correlation = message.correlationId() != null ? message.correlationId() : correlationId;
            if (classification.isLiveSignal()) {
                LiveSignalRecorder.Recording recording = recordings.next();
                responses.add(new IngestionResponse(message.messageId(), classification, true, recording.sessionId(),
                                                    recording.openedSession(), recording.duplicate(), correlation));
                count(recording.duplicate() ? "duplicate" : classification.name().toLowerCase());
            } else {
                responses.add(new IngestionResponse(message.messageId(), classification, false, null, false, false,
                                                    correlation));
                count(classification.name().toLowerCase());
            }
        }
        return responses;
    }

    /** Stored live signals, duplicates, and messages that are no live signal, as answered 200. */
    private void count(String classification) {
        meters.counter(WebhookOutcomes.MESSAGES, "classification", classification, "status", "200").increment();
    }
}
