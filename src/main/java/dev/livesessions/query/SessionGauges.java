package dev.livesessions.query;

import dev.livesessions.api.FindStats;
import dev.livesessions.api.SessionStats;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The global statistics as gauges: what the session-cleanup guide's alerts watch (cleanup candidates, activity rate)
 * and the counts beside them. One scrape reads the statistics once; gauges read within a few seconds share it.
 */
@Component
class SessionGauges {

    private static final Duration FRESH_FOR = Duration.ofSeconds(5);

    private record Reading(Instant at, SessionStats stats) {
    }

    private final SessionStatistics statistics;
    private final Clock clock;
    private volatile Reading last;

    SessionGauges(SessionStatistics statistics, Clock clock, MeterRegistry meters) {
        this.statistics = statistics;
        this.clock = clock;
        for (var state : Map.<String, ToDoubleFunction<SessionStats>>of(
                "active", SessionStats::activeSessions, "inactive", SessionStats::inactiveSessions,
                "old", SessionStats::oldSessions, "archived", SessionStats::archivedSessions,
                "deleted", SessionStats::deletedSessions).entrySet()) {
            Gauge.builder("live_sessions.sessions", this, gauges -> state.getValue().applyAsDouble(gauges.stats()))
                 .description("Sessions by state (old: inactive for longer than their archive delay, by UTC day)")
                 .tag("state", state.getKey())
                 .register(meters);
        }
        register(meters, "live_sessions.cleanup.candidates",
                 "Sessions in the notice period before their archive, and active ones past their window",
                 SessionStats::cleanupCandidates);
        register(meters, "live_sessions.activity_rate", "Active sessions over active and inactive ones",
                 SessionStats::activityRate);
        register(meters, "live_sessions.cleanup.efficiency", "Cleanup candidates over active and inactive sessions",
                 SessionStats::cleanupEfficiency);
    }

    private void register(MeterRegistry meters, String name, String description, ToDoubleFunction<SessionStats> of) {
        Gauge.builder(name, this, gauges -> of.applyAsDouble(gauges.stats())).description(description)
             .register(meters);
    }

    private SessionStats stats() {
        Instant now = clock.instant();
        Reading reading = last;
        if (reading == null || reading.at().plus(FRESH_FOR).isBefore(now)) {
            reading = new Reading(now, statistics.handle(new FindStats(null)));
            last = reading;
        }
        return reading.stats();
    }
}
