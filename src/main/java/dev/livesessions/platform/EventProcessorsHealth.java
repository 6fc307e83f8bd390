package dev.livesessions.platform;

import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every event processor in health: down when one is stopped or a streaming one holds a segment in error (it then
 * retries by itself; the error says why it cannot go on), or keeps its error flag while holding segments. Each
 * processor's details say which segments this node holds.
 */
@Component("eventProcessorsHealthIndicator")
class EventProcessorsHealth implements HealthIndicator {

    /**
     * How long health checks may see a processor flag an error while it holds segments, none of them in error: from
     * the first check that saw it to the last, however often they come (two checks 5 s apart that both see it suffice).
     */
    static final Duration FLAG_WITHOUT_SEGMENT_IN_ERROR = Duration.ofSeconds(5);

    private final EventProcessingConfiguration processing;
    private final Clock clock;
    /** Since when health checks have seen each processor flag an error while holding segments none in error. */
    private final Map<String, Instant> flaggedSince = new ConcurrentHashMap<>();

    EventProcessorsHealth(EventProcessingConfiguration processing, Clock clock) {
        this.processing = processing;
        this.clock = clock;
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
                Map<Integer, EventTrackerStatus> held = new TreeMap<>(streaming.processingStatus());
                Map<Integer, String> segments = new LinkedHashMap<>();
                held.forEach((segment, status) -> segments.put(segment, describe(status)));
                // Axon flags a pooled processor's error when its coordinator fails, and clears the flag only at the
                // end of the first pass that goes through with the segments it claimed again. Read alone, the flag
                // took a node down again for a moment after it had read UP once its database came back, and kept a
                // node whose segments are all held elsewhere down for good. A held segment in error takes the node
                // down at once; the flag, once health checks have seen it for 5 s while segments are held (a
                // coordinator that failed, claimed its segments again and then hangs; one that hangs without having
                // failed first raises no flag). A node that cannot claim any segment for want of its database is down
                // by the database's health.
                boolean segmentInError = held.values().stream().anyMatch(EventTrackerStatus::isErrorState);
                boolean flagLasted = lastingFlag(processor.getName(),
                                                 streaming.isError() && !segmentInError && !held.isEmpty());
                boolean error = segmentInError || flagLasted;
                detail.put("error", error);
                up &= !error;
                detail.put("segments", segments);
            }
            details.put(processor.getName(), detail);
        }
        return (up ? Health.up() : Health.down()).withDetails(details).build();
    }

    /** @return whether the processor has been flagged for {@link #FLAG_WITHOUT_SEGMENT_IN_ERROR} or longer */
    private boolean lastingFlag(String processor, boolean flagged) {
        if (!flagged) {
            flaggedSince.remove(processor);
            return false;
        }
        Instant since = flaggedSince.computeIfAbsent(processor, name -> clock.instant());
        return !clock.instant().isBefore(since.plus(FLAG_WITHOUT_SEGMENT_IN_ERROR));
    }

    private static String describe(EventTrackerStatus status) {
        if (status.isErrorState()) {
            return "error: " + status.getError().getMessage();
        }
        return status.isReplaying() ? "replaying" : status.isCaughtUp() ? "caught up" : "catching up";
    }
}
