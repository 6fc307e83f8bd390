package dev.livesessions.platform;

import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Shares the segments of the streaming processors (the read models) between the nodes on one database. Axon's
 * processors claim every free segment, so the first node to start holds them all and the others would only take over
 * when it stops. Every few seconds each node counts the nodes (each names its connections
 * {@code live-sessions-<id>}, see application.yml) and releases the segments it holds beyond its fair share; another
 * node's processor claims them at its next attempt.
 */
@Component
class SegmentBalancing implements SmartLifecycle {

    private static final Logger logger = LoggerFactory.getLogger(SegmentBalancing.class);
    private static final Duration EVERY = Duration.ofSeconds(10);

    private final EventProcessingConfiguration processing;
    private final JdbcTemplate jdbc;
    private ScheduledExecutorService balancer;

    SegmentBalancing(EventProcessingConfiguration processing, JdbcTemplate jdbc) {
        this.processing = processing;
        this.jdbc = jdbc;
    }

    @Override
    public void start() {
        balancer = Executors.newSingleThreadScheduledExecutor(runnable -> new Thread(runnable, "segment-balancing"));
        balancer.scheduleWithFixedDelay(this::balance, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        balancer.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return balancer != null && !balancer.isShutdown();
    }

    private void balance() {
        try {
            int nodes = Math.max(1, jdbc.queryForObject(
                    "SELECT count(DISTINCT application_name) FROM pg_stat_activity "
                    + "WHERE datname = current_database() AND application_name LIKE ?", Integer.class,
                    "live-sessions-%"));
            for (StreamingEventProcessor processor : processing.eventProcessors().values().stream()
                    .filter(StreamingEventProcessor.class::isInstance).map(StreamingEventProcessor.class::cast)
                    .toList()) {
                releaseBeyondFairShare(processor, nodes);
            }
        } catch (RuntimeException e) {
            logger.debug("Could not balance the processors' segments this time", e);
        }
    }

    private void releaseBeyondFairShare(StreamingEventProcessor processor, int nodes) {
        int segments = jdbc.queryForObject("SELECT count(*) FROM token_entry WHERE processor_name = ?",
                                           Integer.class, processor.getName());
        int fairShare = (segments + nodes - 1) / nodes;
        List<Integer> mine = processor.processingStatus().keySet().stream().sorted().toList();
        for (int segment : mine.subList(Math.min(fairShare, mine.size()), mine.size())) {
            logger.info("Releasing segment {} of {} to another node ({} nodes, {} segments)", segment,
                        processor.getName(), nodes, segments);
            processor.releaseSegment(segment);
        }
    }
}
