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
     * A pooled processor keeps its error until it processes again, which it never does on a node whose segments are
     * all held by other nodes: that node is not down for it.
     */
    @Test
    void aProcessorInErrorIsDownOnlyWhereItHoldsSegments() {
        EventTrackerStatus catchingUp = mock(EventTrackerStatus.class);
        StreamingEventProcessor holdingNone = processor("read-models", true, Map.of());
        StreamingEventProcessor holdingOne = processor("read-models", true, Map.of(0, catchingUp));
        StreamingEventProcessor healthy = processor("read-models", false, Map.of(0, catchingUp));

        assertThat(healthOf(holdingNone)).isEqualTo(Status.UP);
        assertThat(healthOf(holdingOne)).isEqualTo(Status.DOWN);
        assertThat(healthOf(healthy)).isEqualTo(Status.UP);
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
