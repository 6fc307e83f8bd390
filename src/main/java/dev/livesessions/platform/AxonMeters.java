package dev.livesessions.platform;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.Message;
import org.axonframework.micrometer.EventProcessorLatencyMonitor;
import org.axonframework.micrometer.GlobalMetricRegistry;
import org.axonframework.micrometer.MessageCountingMonitor;
import org.axonframework.micrometer.MessageTimerMonitor;
import org.axonframework.micrometer.TagsUtil;
import org.axonframework.monitoring.MessageMonitor;
import org.axonframework.monitoring.MultiMessageMonitor;
import org.axonframework.queryhandling.QueryMessage;
import org.axonframework.queryhandling.QueryUpdateEmitter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.List;
import java.util.function.Function;

/**
 * Axon's meters without its capacity gauges (ADR 28). Axon's {@code CapacityMonitor} keeps the processing time of
 * every message of the last ten minutes in a skip list, to divide their sum by the window: at a few thousand messages
 * a second, millions of entries that live long enough to fill the old generation. The same figure is the rate of the
 * timers' sums ({@code rate(eventProcessor_allTimer_seconds_sum[1m])}), which the meters below keep: counts, timers and
 * the event processors' latency, with the names and tags of Axon's dimensional meters ({@code
 * axon.metrics.micrometer.dimensional}, which application.yml sets).
 */
@Configuration(proxyBeanMethods = false)
class AxonMeters {

    /** Replaces the registry Axon's auto-configuration would build; its module registers these monitors. */
    @Bean
    GlobalMetricRegistry globalMetricRegistry(MeterRegistry meters) {
        return new WithoutCapacity(meters);
    }

    static final class WithoutCapacity extends GlobalMetricRegistry {

        WithoutCapacity(MeterRegistry meters) {
            super(meters);
        }

        @Override
        public MessageMonitor<? super EventMessage<?>> registerEventProcessor(
                String name, Function<Message<?>, Iterable<Tag>> tags, Function<Message<?>, Iterable<Tag>> latencyTags) {
            return new MultiMessageMonitor<>(List.of(
                    MessageCountingMonitor.buildMonitor(name, getRegistry(), tags),
                    MessageTimerMonitor.buildMonitor(name, getRegistry(), tags),
                    EventProcessorLatencyMonitor.builder().meterNamePrefix(name).meterRegistry(getRegistry())
                                                .tagsBuilder(latencyTags).build()));
        }

        /** The query update emitter's monitor is built by a private method of Axon's, reached only from here. */
        @Override
        public MessageMonitor<? extends Message<?>> registerComponentWithDefaultTags(Class<?> type, String name) {
            if (QueryUpdateEmitter.class.isAssignableFrom(type)) {
                return countedAndTimed(name, TagsUtil.PAYLOAD_TYPE_TAGGER_FUNCTION);
            }
            return super.registerComponentWithDefaultTags(type, name);
        }

        @Override
        public MessageMonitor<? super CommandMessage<?>> registerCommandBus(
                String name, Function<Message<?>, Iterable<Tag>> tags) {
            return countedAndTimed(name, tags);
        }

        @Override
        public MessageMonitor<? super QueryMessage<?, ?>> registerQueryBus(
                String name, Function<Message<?>, Iterable<Tag>> tags) {
            return countedAndTimed(name, tags);
        }

        private MessageMonitor<Message<?>> countedAndTimed(String name, Function<Message<?>, Iterable<Tag>> tags) {
            return new MultiMessageMonitor<>(List.of(MessageCountingMonitor.buildMonitor(name, getRegistry(), tags),
                                                     MessageTimerMonitor.buildMonitor(name, getRegistry(), tags)));
        }
    }
}
