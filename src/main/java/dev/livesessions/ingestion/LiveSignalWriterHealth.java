package dev.livesessions.ingestion;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/** Down once an error has stopped the write path of live signals: only a restart takes signals again. */
@Component("liveSignalWriterHealthIndicator")
class LiveSignalWriterHealth implements HealthIndicator {

    private final LiveSignalRecorder recorder;

    LiveSignalWriterHealth(LiveSignalRecorder recorder) {
        this.recorder = recorder;
    }

    @Override
    public Health health() {
        return recorder.stoppedBy()
                       .map(error -> Health.down().withDetail("stoppedBy", error.toString())
                                           .withDetail("action", "restart the service").build())
                       .orElseGet(() -> Health.up().build());
    }
}
