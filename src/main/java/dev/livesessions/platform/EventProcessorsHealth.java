package dev.livesessions.platform;

import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every event processor in health: down when one is stopped or a streaming one that holds segments is in error (it
 * then retries by itself; the error says why it cannot go on). Each processor's details say which segments this node
 * holds.
 */
@Component("eventProcessorsHealthIndicator")
class EventProcessorsHealth implements HealthIndicator {

    private final EventProcessingConfiguration processing;

    EventProcessorsHealth(EventProcessingConfiguration processing) {
        this.processing = processing;
    }

    @Override
    public Health health() {
        boolean up = true;
        Map<String, Object> details = new LinkedHashMap<>();
        for (EventProcessor processor : processing.eventProcessors().values()) {
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("running", processor.isRunning());
            up &= processor.isRunning();
            if (processor instanceof StreamingEventProcessor streaming) {
                Map<Integer, String> segments = new LinkedHashMap<>();
                streaming.processingStatus().forEach((segment, status) -> segments.put(segment, describe(status)));
                // Axon clears a pooled processor's error once it processes again, which a node holding no segment
                // (another node holds them all) never does: its error would stay, and the node be down, for good. A
                // node that cannot claim a segment for want of its database is down by the database's health.
                boolean error = streaming.isError() && !segments.isEmpty();
                detail.put("error", error);
                up &= !error;
                detail.put("segments", segments);
            }
            details.put(processor.getName(), detail);
        }
        return (up ? Health.up() : Health.down()).withDetails(details).build();
    }

    private static String describe(EventTrackerStatus status) {
        if (status.isErrorState()) {
            return "error: " + status.getError().getMessage();
        }
        return status.isReplaying() ? "replaying" : status.isCaughtUp() ? "caught up" : "catching up";
    }
}
