package dev.livesessions.query;

import dev.livesessions.api.ActivityRecorded;
import dev.livesessions.api.ArchiveCancelled;
import dev.livesessions.api.ArchiveNoticeIssued;
import dev.livesessions.api.ArchiveScheduled;
import dev.livesessions.api.CleanupStatus;
import dev.livesessions.api.CloseReason;
import dev.livesessions.api.LiveSessionClosed;
import dev.livesessions.api.LiveSessionCreated;
import dev.livesessions.api.SessionView;
import dev.livesessions.api.SignalSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Streaming processors deliver at least once: an event delivered again must leave the read models as they were. */
class ReadModelUpdaterTest {

    private static final Instant T0 = Instant.parse("2026-11-23T20:00:00Z");

    private final MemoryReadModelStore store = new MemoryReadModelStore();
    private final ReadModelUpdater updater = new ReadModelUpdater(store);

    private final LiveSessionCreated created = new LiveSessionCreated("acme.1", "acme", 1, Duration.ofMinutes(45), T0,
                                                                      true, null);
    private final ActivityRecorded code = new ActivityRecorded("acme.1", "acme", "m1", SignalSource.CLIENT, "A12", T0,
                                                               T0);
    private final LiveSessionClosed closed = new LiveSessionClosed("acme.1", "acme", T0.plus(Duration.ofMinutes(45)),
                                                                   CloseReason.INACTIVITY);

    @Test
    void eventsDeliveredAgainAreNotCountedTwice() {
        updater.apply(created, 0);
        updater.apply(code, 1);
        updater.apply(created, 0);
        updater.apply(code, 1);
        updater.apply(closed, 2);
        updater.apply(code, 1);
        updater.apply(closed, 2);

        assertThat(store.session("acme.1").orElseThrow().view(T0).clientCodes()).isEqualTo(1);
        assertThat(store.statsOf("acme").totals()).isEqualTo(onceEach().statsOf("acme").totals());
    }

    @Test
    void theNextEventOfTheSessionIsStillApplied() {
        updater.apply(created, 0);
        updater.apply(code, 1);
        updater.apply(new ActivityRecorded("acme.1", "acme", "m2", SignalSource.CLIENT, "B7", T0, T0.plusSeconds(5)),
                      2);

        assertThat(store.session("acme.1").orElseThrow().view(T0).clientCodes()).isEqualTo(2);
        assertThat(store.statsOf("acme").totals().liveMessages()).isEqualTo(2);
    }

    @Test
    void aCancelledArchiveLeavesTheSessionWithoutArchiveDateOrNotice() {
        updater.apply(created, 0);
        updater.apply(closed, 1);
        updater.apply(new ArchiveScheduled("acme.1", "acme", T0.plus(Duration.ofDays(30))), 2);
        updater.apply(new ArchiveNoticeIssued("acme.1", "acme", T0.plus(Duration.ofDays(30)),
                                              T0.plus(Duration.ofDays(29))), 3);

        updater.apply(new ArchiveCancelled("acme.1", "acme", T0.plus(Duration.ofDays(30))), 4);

        SessionView view = store.session("acme.1").orElseThrow().view(T0.plus(Duration.ofDays(30)));
        assertThat(view.archiveAt()).isNull();
        assertThat(view.archiveNoticeAt()).isNull();
        assertThat(view.cleanupStatus()).isEqualTo(CleanupStatus.INACTIVE);
    }

    private MemoryReadModelStore onceEach() {
        MemoryReadModelStore once = new MemoryReadModelStore();
        ReadModelUpdater onceUpdater = new ReadModelUpdater(once);
        onceUpdater.apply(created, 0);
        onceUpdater.apply(code, 1);
        onceUpdater.apply(closed, 2);
        return once;
    }
}
