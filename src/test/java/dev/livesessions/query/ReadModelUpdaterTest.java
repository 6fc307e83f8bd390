package dev.livesessions.query;

import dev.livesessions.api.ActivityRecorded;
import dev.livesessions.api.ArchiveCancelled;
import dev.livesessions.api.ArchiveNoticeIssued;
import dev.livesessions.api.ArchiveScheduled;
import dev.livesessions.api.ArchiveTrigger;
import dev.livesessions.api.CleanupStatus;
import dev.livesessions.api.CloseReason;
import dev.livesessions.api.LiveSessionClosed;
import dev.livesessions.api.LiveSessionCreated;
import dev.livesessions.api.SessionArchived;
import dev.livesessions.api.SessionRestored;
import dev.livesessions.api.SessionView;
import dev.livesessions.api.SignalSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

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

    /**
     * "Old sessions" count those idle longer than the archive delay, and the average idle time averages how long
     * inactive sessions have been idle: a restored session is idle since its restore.
     */
    @Test
    void aRestoredSessionCountsAsIdleFromItsRestoreInTheStatistics() {
        Instant restoredAt = T0.plus(Duration.ofDays(40));
        updater.apply(created, 0);
        updater.apply(closed, 1);
        updater.apply(new SessionArchived("acme.1", "acme", T0.plus(Duration.ofDays(30)), ArchiveTrigger.AUTOMATIC),
                      2);

        updater.apply(new SessionRestored("acme.1", "acme", restoredAt), 3);

        assertThat(store.idleDays()).containsOnly(
                entry(new IdleDay("acme", LocalDate.ofInstant(restoredAt, ZoneOffset.UTC)), 1L),
                entry(new IdleDay("acme", LocalDate.ofInstant(T0, ZoneOffset.UTC)), 0L));
        assertThat(store.statsOf("acme").totals().inactiveIdleSinceSeconds()).isEqualTo(restoredAt.getEpochSecond());
    }

    /** A restored session archived again leaves its tenant's idle time as it found it. */
    @Test
    void aRestoredSessionArchivedAgainCountsForNothingInTheIdleTime() {
        updater.apply(created, 0);
        updater.apply(closed, 1);
        updater.apply(new SessionArchived("acme.1", "acme", T0.plus(Duration.ofDays(30)), ArchiveTrigger.AUTOMATIC),
                      2);
        updater.apply(new SessionRestored("acme.1", "acme", T0.plus(Duration.ofDays(40))), 3);

        updater.apply(new SessionArchived("acme.1", "acme", T0.plus(Duration.ofDays(70)), ArchiveTrigger.AUTOMATIC),
                      4);

        assertThat(store.statsOf("acme").totals().inactiveSessions()).isZero();
        assertThat(store.statsOf("acme").totals().inactiveIdleSinceSeconds()).isZero();
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
