package dev.livesessions.query;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The read models in health and metrics: how far behind the event stream they are, whether a replay is running, and
 * how many events are parked in the dead-letter queue. Down when the processor is stopped.
 */
@Component("readModelsHealthIndicator")
class ReadModelsHealth implements HealthIndicator {

    private final ReadModelMaintenance maintenance;

    ReadModelsHealth(ReadModelMaintenance maintenance, MeterRegistry meters) {
        this.maintenance = maintenance;
        Gauge.builder("live_sessions.read_models.lag", maintenance, ReadModelsHealth::lag)
             .description("Events in the store the read models have not taken yet").register(meters);
        Gauge.builder("live_sessions.read_models.dead_letters", maintenance, ReadModelMaintenance::deadLetterCount)
             .description("Events the read models could not take, parked for a retry").register(meters);
    }

    @Override
    public Health health() {
        ReadModelMaintenance.Progress progress = maintenance.progress();
        Health.Builder health = progress.running() ? Health.up() : Health.down();
        return health.withDetail("position", progress.position() == null ? "starting" : progress.position())
                     .withDetail("head", progress.head())
                     .withDetail("replaying", progress.replaying())
                     .withDetail("deadLetters", progress.deadLetters())
                     .build();
    }

    private static double lag(ReadModelMaintenance maintenance) {
        ReadModelMaintenance.Progress progress = maintenance.progress();
        return progress.position() == null ? progress.head() : progress.head() - progress.position();
    }
}
