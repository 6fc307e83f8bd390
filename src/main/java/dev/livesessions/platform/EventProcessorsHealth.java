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
 * Every event processor in health: down when one is stopped or a streaming one holds a segment in error (it then
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
                Map<Integer, EventTrackerStatus> held = streaming.processingStatus();
                Map<Integer, String> segments = new LinkedHashMap<>();
                held.forEach((segment, status) -> segments.put(segment, describe(status)));
                // A held segment in error, not the processor's own error flag: Axon clears that flag only once its
                // coordinator has gone round again after claiming segments, so it lags behind them. Read alone, it
                // would keep a node whose segments are all held elsewhere down for good, and take a node down again
                // for a moment after it has reclaimed its segments once its database came back. A node that cannot
                // claim any segment for want of its database is down by the database's health.
                boolean error = held.values().stream().anyMatch(EventTrackerStatus::isErrorState);
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
