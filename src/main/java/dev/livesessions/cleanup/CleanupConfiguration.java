package dev.livesessions.cleanup;

import com.github.kagkarlsson.scheduler.boot.actuator.DbSchedulerHealthIndicator;
import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.monitoring.NoOpMessageMonitor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The archive notices are handled in the transaction that issues them (a subscribing processor, application.yml):
 * scheduling a notice's delivery commits with its event, or neither does (ADR 24).
 */
@Configuration(proxyBeanMethods = false)
class CleanupConfiguration {

    /** A notice that cannot be scheduled rolls its event back; the deadline or command that issued it is retried. */
    @Autowired
    void noticeScheduledWithItsEvent(EventProcessingConfigurer processing) {
        processing.registerListenerInvocationErrorHandler(ArchiveNotices.PROCESSING_GROUP,
                                                          configuration -> PropagatingErrorHandler.instance());
    }

    /**
     * The processor sees every event its node stores and ignores all but the rare notice: counting and timing each one
     * would cost the writers more than the notices themselves.
     */
    @Autowired
    void noMetricsOnTheNotices(EventProcessingConfigurer processing) {
        processing.registerMessageMonitorFactory(ArchiveNotices.PROCESSING_GROUP,
                                                 (configuration, type, name) -> NoOpMessageMonitor.instance());
    }

    /**
     * The state of the notices' own scheduler (ADR 38), as the db-scheduler starter reports its own: the health
     * component archiveNotices.
     */
    @Bean
    HealthIndicator archiveNoticesHealthIndicator(ArchiveNoticeDelivery delivery) {
        return new DbSchedulerHealthIndicator(delivery.scheduler());
    }
}
