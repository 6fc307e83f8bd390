package dev.livesessions.ingestion;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import dev.livesessions.LiveSessionsProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;
import java.time.Duration;

/**
 * Message ids are remembered for {@code live-sessions.webhooks.dedupe-retention} (7 days: as long as WhatsApp
 * retries), then forgotten. A db-scheduler recurring task, so one node of a cluster runs it each hour.
 */
@Configuration(proxyBeanMethods = false)
class InboundMessagePruning {

    private static final Logger logger = LoggerFactory.getLogger(InboundMessagePruning.class);

    @Bean
    RecurringTask<Void> forgetOldMessageIds(InboundMessageLog log, LiveSessionsProperties properties, Clock clock) {
        Duration retention = properties.webhooks().dedupeRetention();
        return Tasks.recurring("forget-old-message-ids", FixedDelay.of(Duration.ofHours(1)))
                    .execute((instance, context) -> {
                        int forgotten = log.forgetBefore(clock.instant().minus(retention));
                        if (forgotten > 0) {
                            logger.info("Forgot {} message id(s) older than {}", forgotten, retention);
                        }
                    });
    }
}
