package dev.livesessions.platform;

import dev.livesessions.UtcClock;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Status;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/** Axon's processors stand in as mocks here: what is tested is only how their state reads as health. */
class EventProcessorsHealthTest {

    private final EventTrackerStatus catchingUp = mock(EventTrackerStatus.class);
    private final EventTrackerStatus failed = mock(EventTrackerStatus.class);
    private Instant now = Instant.parse("2026-12-07T20:00:00Z");
    private final Clock clock = new UtcClock() {
        @Override
        public Instant instant() {
            return now;
        }
    };

    EventProcessorsHealthTest() {
        when(failed.isErrorState()).thenReturn(true);
        when(failed.getError()).thenReturn(new IllegalStateException("database unreachable"));
    }

    /**
     * A pooled processor clears its error flag only at the end of the first pass that goes through with the segments
     * it claimed again: a node that had reclaimed its segments once its database came back read down for a moment
     * after reading up, and a node whose segments are all held by other nodes never clears it. A held segment in
     * error is what makes it down at once.
     */
    @Test
    void aProcessorIsDownAtOnceWhenASegmentItHoldsIsInError() {
        assertThat(healthOf(processor(true, Map.of(0, catchingUp, 1, failed)))).isEqualTo(Status.DOWN);
        assertThat(healthOf(processor(false, Map.of(0, failed)))).isEqualTo(Status.DOWN);
        assertThat(healthOf(processor(false, Map.of(0, catchingUp)))).isEqualTo(Status.UP);
        assertThat(healthOf(processor(true, Map.of()))).as("flagged, holding no segment").isEqualTo(Status.UP);
    }

    /** A coordinator that claimed its segments and then hangs keeps its flag: down once it has lasted. */
    @Test
    void aProcessorFlaggedWhileItsSegmentsAreFineIsDownOnceTheFlagHasLasted() {
        EventProcessorsHealth health = indicatorOf(processor(true, Map.of(0, catchingUp)));

        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        now = now.plus(EventProcessorsHealth.FLAG_WITHOUT_SEGMENT_IN_ERROR).minusMillis(1);
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        now = now.plusMillis(1);
        assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
    }

    /** A flag cleared in between starts the wait again. */
    @Test
    void aFlagClearedInBetweenIsNotTheSameLastingFlag() {
        StreamingEventProcessor processor = processor(true, Map.of(0, catchingUp));
        EventProcessorsHealth health = indicatorOf(processor);

        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        now = now.plusSeconds(3);
        when(processor.isError()).thenReturn(false);
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        when(processor.isError()).thenReturn(true);
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        now = now.plusSeconds(3);
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
    }

    private static StreamingEventProcessor processor(boolean inError, Map<Integer, EventTrackerStatus> segments) {
        StreamingEventProcessor processor = mock(StreamingEventProcessor.class);
        when(processor.getName()).thenReturn("read-models");
        when(processor.isRunning()).thenReturn(true);
        when(processor.isError()).thenReturn(inError);
        when(processor.processingStatus()).thenReturn(segments);
        return processor;
    }

    private EventProcessorsHealth indicatorOf(EventProcessor processor) {
        EventProcessingConfiguration processing = mock(EventProcessingConfiguration.class);
        when(processing.eventProcessors()).thenReturn(Map.of("read-models", processor));
        return new EventProcessorsHealth(processing, clock);
    }

    private Status healthOf(EventProcessor processor) {
        return indicatorOf(processor).health().getStatus();
    }
}
