package dev.livesessions.query;

import dev.livesessions.api.ArchiveTrigger;
import dev.livesessions.api.CloseReason;
import dev.livesessions.api.LiveSessionClosed;
import dev.livesessions.api.LiveSessionCreated;
import dev.livesessions.api.SessionArchived;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.messaging.annotation.MetaDataValue;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.monitoring.NoOpMessageMonitor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Configuration;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;

/**
 * Sessions opened, closed (by reason, with how late the closure came) and archived, for operators: Micrometer meters
 * and a log line each, carrying the correlation id of the message or call that caused it.
 * <p>
 * It follows the events as they are published, in the transaction that stores them, and acts only once that
 * commits: a batch that rolls back counts nothing. Each node counts what it stored; Prometheus adds the nodes up. A
 * replay does not pass through here (the processor is subscribing), so history is never counted twice.
 */
@Component
@ProcessingGroup(SessionMonitoring.PROCESSING_GROUP)
class SessionMonitoring {

    static final String PROCESSING_GROUP = "session-monitoring";

    private static final Logger logger = LoggerFactory.getLogger(SessionMonitoring.class);
    private static final String CORRELATION_ID = "correlationId";

    private final MeterRegistry meters;
    private final Counter opened;
    private final Timer closeLateness;

    SessionMonitoring(MeterRegistry meters) {
        this.meters = meters;
        this.opened = Counter.builder("live_sessions.sessions.opened")
                             .description("Sessions opened by a live signal").register(meters);
        this.closeLateness = Timer.builder("live_sessions.sessions.close_lateness")
                                  .description("How long after its natural end (last activity plus the window, or "
                                               + "the maximum lifespan) a session's closure was stored")
                                  .publishPercentileHistogram()
                                  .maximumExpectedValue(Duration.ofHours(1))
                                  .register(meters);
        // Every reason and trigger is present from the start at zero, so that rates and alerts see the first one.
        for (CloseReason reason : CloseReason.values()) {
            closed(reason);
        }
        for (ArchiveTrigger trigger : ArchiveTrigger.values()) {
            archived(trigger);
        }
    }

    /** Like the guard's: Axon's meters would time every event this processor ignores, inside the writer's transaction. */
    @Configuration(proxyBeanMethods = false)
    static class WithoutAxonMetrics {

        @Autowired
        void noMetricsPerEvent(EventProcessingConfigurer processing) {
            processing.registerMessageMonitorFactory(PROCESSING_GROUP,
                                                     (configuration, type, name) -> NoOpMessageMonitor.instance());
        }
    }

    private Counter closed(CloseReason reason) {
        return Counter.builder("live_sessions.sessions.closed").description("Sessions closed, by reason")
                      .tag("reason", reason.name().toLowerCase()).register(meters);
    }

    private Counter archived(ArchiveTrigger trigger) {
        return Counter.builder("live_sessions.sessions.archived").description("Sessions archived, by what archived them")
                      .tag("trigger", trigger.name().toLowerCase()).register(meters);
    }

    @EventHandler
    void on(LiveSessionCreated event, @MetaDataValue(CORRELATION_ID) String correlationId) {
        afterCommit(correlationId, () -> {
            opened.increment();
            logger.info("Session {} of tenant {} opened", event.sessionId(), event.tenantId());
        });
    }

    @EventHandler
    void on(LiveSessionClosed event, @Timestamp Instant storedAt, @MetaDataValue(CORRELATION_ID) String correlationId) {
        Counter closed = closed(event.reason());
        Duration late = Duration.between(event.closedAt(), storedAt);
        afterCommit(correlationId, () -> {
            closed.increment();
            if (event.reason() == CloseReason.MANUAL) {
                logger.info("Session {} of tenant {} closed by a person or a cleanup run", event.sessionId(),
                            event.tenantId());
                return;
            }
            closeLateness.record(late.isNegative() ? Duration.ZERO : late);
            logger.info("Session {} of tenant {} closed at {} ({}), stored {} ms later", event.sessionId(),
                        event.tenantId(), event.closedAt(), event.reason(), late.toMillis());
        });
    }

    @EventHandler
    void on(SessionArchived event, @MetaDataValue(CORRELATION_ID) String correlationId) {
        Counter archived = archived(event.trigger());
        afterCommit(correlationId, () -> {
            archived.increment();
            logger.info("Session {} of tenant {} archived ({})", event.sessionId(), event.tenantId(),
                        event.trigger());
        });
    }

    /** Runs once the events are stored, with the correlation id of their cause in the logs. */
    private static void afterCommit(String correlationId, Runnable action) {
        Runnable withCorrelation = () -> {
            String outer = MDC.get(CORRELATION_ID);
            if (correlationId != null) {
                MDC.put(CORRELATION_ID, correlationId);
            }
            try {
                action.run();
            } finally {
                if (outer == null) {
                    MDC.remove(CORRELATION_ID);
                } else {
                    MDC.put(CORRELATION_ID, outer);
                }
            }
        };
        if (CurrentUnitOfWork.isStarted()) {
            CurrentUnitOfWork.get().afterCommit(unitOfWork -> withCorrelation.run());
        } else {
            withCorrelation.run();
        }
    }
}
