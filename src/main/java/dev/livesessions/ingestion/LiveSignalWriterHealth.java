package dev.livesessions.ingestion;

import dev.livesessions.LiveSessionsProperties;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.Optional;

/**
 * Down once an error has stopped the write path of live signals: only a restart takes signals again. Down too while a
 * batch has been under way for longer than a webhook waits for it: every live signal of its writer's tenants is
 * answered 503 meanwhile (a read PostgreSQL leaves unanswered ends after the connections' read timeout, ADR 41).
 */
@Component("liveSignalWriterHealthIndicator")
class LiveSignalWriterHealth implements HealthIndicator {

    private final LiveSignalRecorder recorder;
    private final Duration answerWithin;

    LiveSignalWriterHealth(LiveSignalRecorder recorder, LiveSessionsProperties properties) {
        this.recorder = recorder;
        this.answerWithin = properties.recorder().answerWithin();
    }

    @Override
    public Health health() {
        Optional<Error> stoppedBy = recorder.stoppedBy();
        if (stoppedBy.isPresent()) {
            return Health.down().withDetail("stoppedBy", stoppedBy.get().toString())
                         .withDetail("action", "restart the service").build();
        }
        return recorder.longestBatchUnderWay()
                       .filter(underWay -> underWay.compareTo(answerWithin) > 0)
                       .map(underWay -> Health.down().withDetail("batchUnderWayFor", underWay.toString())
                                              .withDetail("meanwhile", "its tenants' live signals are answered 503")
                                              .build())
                       .orElseGet(() -> Health.up().build());
    }
}
