package dev.livesessions.platform;

import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Status;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/** Axon's processors stand in as mocks here: what is tested is only how their state reads as health. */
class EventProcessorsHealthTest {

    /**
     * A pooled processor clears its error flag only once its coordinator has gone round again after claiming
     * segments, which it never does on a node whose segments are all held by other nodes, and does a moment after the
     * node has reclaimed its segments when its database came back: a segment in error is what makes it down.
     */
    @Test
    void aProcessorIsDownWhenASegmentItHoldsIsInErrorWhateverItsOwnErrorFlagSays() {
        EventTrackerStatus catchingUp = mock(EventTrackerStatus.class);
        EventTrackerStatus failed = mock(EventTrackerStatus.class);
        when(failed.isErrorState()).thenReturn(true);
        when(failed.getError()).thenReturn(new IllegalStateException("database unreachable"));

        assertThat(healthOf(processor("read-models", true, Map.of()))).isEqualTo(Status.UP);
        assertThat(healthOf(processor("read-models", true, Map.of(0, catchingUp)))).isEqualTo(Status.UP);
        assertThat(healthOf(processor("read-models", true, Map.of(0, catchingUp, 1, failed)))).isEqualTo(Status.DOWN);
        assertThat(healthOf(processor("read-models", false, Map.of(0, failed)))).isEqualTo(Status.DOWN);
        assertThat(healthOf(processor("read-models", false, Map.of(0, catchingUp)))).isEqualTo(Status.UP);
    }

    private static StreamingEventProcessor processor(String name, boolean inError,
                                                     Map<Integer, EventTrackerStatus> segments) {
        StreamingEventProcessor processor = mock(StreamingEventProcessor.class);
        when(processor.getName()).thenReturn(name);
        when(processor.isRunning()).thenReturn(true);
        when(processor.isError()).thenReturn(inError);
        when(processor.processingStatus()).thenReturn(segments);
        return processor;
    }

    private static Status healthOf(EventProcessor processor) {
        EventProcessingConfiguration processing = mock(EventProcessingConfiguration.class);
        when(processing.eventProcessors()).thenReturn(Map.of("read-models", processor));
        return new EventProcessorsHealth(processing).health().getStatus();
    }
}
