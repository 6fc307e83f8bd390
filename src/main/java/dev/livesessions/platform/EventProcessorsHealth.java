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
 * Every event processor in health: down when one is stopped or a segment of a streaming one is in error (it then
 * retries by itself; the error says why it cannot go on). Each processor's details say which segments this node
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
                detail.put("error", streaming.isError());
                up &= !streaming.isError();
                Map<Integer, String> segments = new LinkedHashMap<>();
                streaming.processingStatus().forEach((segment, status) -> segments.put(segment, describe(status)));
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
