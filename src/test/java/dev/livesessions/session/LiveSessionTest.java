package dev.livesessions.session;

import dev.livesessions.UtcClock;
import dev.livesessions.api.ActivityRecorded;
import dev.livesessions.api.ArchiveCancelled;
import dev.livesessions.api.ArchiveIfIdle;
import dev.livesessions.api.ArchiveNoticeIssued;
import dev.livesessions.api.ArchiveNoticeWithdrawn;
import dev.livesessions.api.ArchiveScheduled;
import dev.livesessions.api.ArchiveTrigger;
import dev.livesessions.api.AutoCleanupChanged;
import dev.livesessions.api.ChangeAutoCleanup;
import dev.livesessions.api.CloseIfInactive;
import dev.livesessions.api.CloseLiveSession;
import dev.livesessions.api.CloseReason;
import dev.livesessions.api.DeleteSession;
import dev.livesessions.api.LiveSessionClosed;
import dev.livesessions.api.LiveSessionCreated;
import dev.livesessions.api.LiveSignal;
import dev.livesessions.api.OpenLiveSession;
import dev.livesessions.api.RecordActivity;
import dev.livesessions.api.RecordedSignal;
import dev.livesessions.api.RestoreSession;
import dev.livesessions.api.SessionArchived;
import dev.livesessions.api.SessionDeleted;
import dev.livesessions.api.SessionRestored;
import dev.livesessions.api.SessionTerms;
import dev.livesessions.api.SignalSource;
import dev.livesessions.session.Deadlines.ArchiveDeadline;
import dev.livesessions.session.Deadlines.ArchiveNoticeDeadline;
import dev.livesessions.session.Deadlines.InactivityDeadline;
import dev.livesessions.session.Deadlines.LifespanDeadline;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.hamcrest.Description;
import org.hamcrest.Matcher;
import org.hamcrest.TypeSafeMatcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.axonframework.test.matchers.Matchers.andNoMore;
import static org.axonframework.test.matchers.Matchers.exactSequenceOf;

/** The rules of a live session, as given events, a command or elapsed time, and the events that follow. */
class LiveSessionTest {

    private static final Instant T0 = Instant.parse("2026-11-22T20:00:00Z");
    private static final Duration WINDOW = Duration.ofMinutes(45);
    private static final SessionTerms TERMS = new SessionTerms(WINDOW, true, null);
    private static final Duration ARCHIVE_AFTER = Duration.ofDays(30);
    private static final Duration NOTICE = Duration.ofDays(1);

    private AggregateTestFixture<LiveSession> fixture;
    private RetentionPolicy retention = new RetentionPolicy(true, ARCHIVE_AFTER, NOTICE);
    /** When the tenant switches automatic archiving off, if it does. */
    private Instant archivingSwitchedOffAt;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(LiveSession.class);
        fixture.registerInjectableResource((RetentionPolicies) tenantId ->
                archivingSwitchedOffAt == null || fixture.currentTime().isBefore(archivingSwitchedOffAt)
                        ? retention
                        : new RetentionPolicy(false, retention.archiveAfter(), retention.archiveNotice()));
        fixture.registerInjectableResource(new FixtureClock());
    }

    @Nested
    class OpeningAndActivity {

        @Test
        void theFirstLiveSignalOpensTheSessionAndSchedulesItsClosureAtTheEndOfTheWindow() {
            fixture.givenCurrentTime(T0)
                   .when(open("acme.1", 1, TERMS, seller("m1", T0)))
                   .expectEvents(created("acme.1", 1, TERMS, T0),
                                 new ActivityRecorded("acme.1", "acme", "m1", SignalSource.SELLER, null, T0, T0))
                   .expectResultMessagePayload(List.of(new RecordedSignal("m1", "acme.1", true)))
                   .expectScheduledDeadline(WINDOW, new InactivityDeadline(T0.plus(WINDOW)));
        }

        @Test
        void signalsThatArriveTogetherAreRecordedInOneCommandInTheirOrder() {
            fixture.givenCurrentTime(T0)
                   .when(open("acme.1", 1, TERMS, client("m1", "A12", T0), client("m2", "B7", T0.plusMillis(1)),
                              seller("m3", T0.plusMillis(2))))
                   .expectEvents(created("acme.1", 1, TERMS, T0),
                                 new ActivityRecorded("acme.1", "acme", "m1", SignalSource.CLIENT, "A12", T0, T0),
                                 new ActivityRecorded("acme.1", "acme", "m2", SignalSource.CLIENT, "B7",
                                                      T0.plusMillis(1), T0.plusMillis(1)),
                                 new ActivityRecorded("acme.1", "acme", "m3", SignalSource.SELLER, null,
                                                      T0.plusMillis(2), T0.plusMillis(2)))
                   .expectResultMessagePayload(List.of(new RecordedSignal("m1", "acme.1", true),
                                                       new RecordedSignal("m2", "acme.1", false),
                                                       new RecordedSignal("m3", "acme.1", false)));
        }

        @Test
        void aLiveSignalWithinTheWindowIsRecordedWithoutTouchingTheDeadline() {
            Instant later = T0.plus(Duration.ofMinutes(44));
            fixture.givenCurrentTime(T0)
                   .andGiven(created("acme.1", 1, TERMS, T0), activity("acme.1", "m1", T0))
                   .when(record("acme.1", client("m2", "A12", later)))
                   .expectEvents(new ActivityRecorded("acme.1", "acme", "m2", SignalSource.CLIENT, "A12", later,
                                                      later))
                   .expectResultMessagePayload(List.of(new RecordedSignal("m2", "acme.1", false)))
                   .expectNoScheduledDeadlines();
        }
    }

    @Nested
    class ClosingByInactivity {

        @Test
        void aSessionWithoutActivityClosesWhenItsWindowPassesAndSchedulesTheNoticeOfItsArchive() {
            Instant archiveAt = T0.plus(ARCHIVE_AFTER);
            fixture.givenCurrentTime(T0)
                   .andGivenCommands(open("acme.1", 1, TERMS, seller("m1", T0)))
                   .whenTimeElapses(WINDOW)
                   .expectEvents(closed("acme.1", T0.plus(WINDOW), CloseReason.INACTIVITY),
                                 new ArchiveScheduled("acme.1", "acme", archiveAt))
                   .expectScheduledDeadline(ARCHIVE_AFTER.minus(WINDOW).minus(NOTICE),
                                            new ArchiveNoticeDeadline(archiveAt, archiveAt.minus(NOTICE)))
                   .expectNoScheduledDeadlineOfType(T0, T0.plus(Duration.ofDays(365)), ArchiveDeadline.class);
        }

        @Test
        void whenActivityMovedTheWindowOnTheDeadlineSchedulesItselfAgainInsteadOfClosing() {
            Instant later = T0.plus(Duration.ofMinutes(30));
            fixture.givenCurrentTime(T0)
                   .andGivenCommands(open("acme.1", 1, TERMS, seller("m1", T0)),
                                     record("acme.1", client("m2", "A12", later)))
                   .whenTimeElapses(WINDOW)
                   .expectNoEvents()
                   .expectScheduledDeadline(Duration.ofMinutes(30), new InactivityDeadline(later.plus(WINDOW)));
        }

        @Test
        void theSessionClosesAtItsLastActivityPlusTheWindowHoweverOftenTheDeadlineMoved() {
            Instant lastActivity = T0.plus(Duration.ofMinutes(70));
            fixture.givenCurrentTime(T0)
                   .andGivenCommands(open("acme.1", 1, TERMS, seller("m1", T0)),
                                     record("acme.1", client("m2", "A12", T0.plus(Duration.ofMinutes(30)))),
                                     record("acme.1", client("m3", "A13", lastActivity)))
                   .whenTimeElapses(Duration.ofHours(3))
                   .expectEvents(closed("acme.1", lastActivity.plus(WINDOW), CloseReason.INACTIVITY),
                                 new ArchiveScheduled("acme.1", "acme", lastActivity.plus(ARCHIVE_AFTER)));
        }

        @Test
        void aDeadlineThatFiresLateStillClosesAtLastActivityPlusTheWindow() {
            fixture.givenCurrentTime(T0)
                   .andGivenCommands(open("acme.1", 1, TERMS, seller("m1", T0)))
                   .whenTimeAdvancesTo(T0.plus(Duration.ofDays(2)))
                   .expectEvents(closed("acme.1", T0.plus(WINDOW), CloseReason.INACTIVITY),
                                 new ArchiveScheduled("acme.1", "acme", T0.plus(ARCHIVE_AFTER)));
        }

        @Test
        void theTenantsOwnWindowDecidesWhenItsSessionCloses() {
            Duration tenMinutes = Duration.ofMinutes(10);
            SessionTerms shortWindow = new SessionTerms(tenMinutes, true, null);
            fixture.givenCurrentTime(T0)
                   .andGivenCommands(open("acme.1", 1, shortWindow, seller("m1", T0)))
                   .whenTimeElapses(tenMinutes)
                   .expectEvents(closed("acme.1", T0.plus(tenMinutes), CloseReason.INACTIVITY),
                                 new ArchiveScheduled("acme.1", "acme", T0.plus(ARCHIVE_AFTER)));
        }

        @Test
        void aLiveSignalAfterTheWindowPassedButBeforeTheClosureRanClosesTheSessionAndOpensTheNext() {
            Instant late = T0.plus(Duration.ofMinutes(50));
            fixture.givenCurrentTime(late)
                   .andGiven(created("acme.1", 1, TERMS, T0), activity("acme.1", "m1", T0))
                   .when(record("acme.1", client("m2", "A12", late)))
                   .expectEvents(closed("acme.1", T0.plus(WINDOW), CloseReason.INACTIVITY),
                                 new ArchiveScheduled("acme.1", "acme", T0.plus(ARCHIVE_AFTER)),
                                 created("acme.2", 2, TERMS, late),
                                 new ActivityRecorded("acme.2", "acme", "m2", SignalSource.CLIENT, "A12", late, late))
                   .expectResultMessagePayload(List.of(new RecordedSignal("m2", "acme.2", true)))
                   .expectScheduledDeadline(WINDOW, new InactivityDeadline(late.plus(WINDOW)));
        }

        @Test
        void everyEventALateSignalCausesCarriesTheIdsOfThatMessage() {
            Instant late = T0.plus(Duration.ofMinutes(50));
            fixture.givenCurrentTime(late)
                   .andGiven(created("acme.1", 1, TERMS, T0), activity("acme.1", "m1", T0))
                   .when(record("acme.1", client("m2", "A12", late)))
                   .expectEventsMatching(exactSequenceOf(causedBy("m2"), causedBy("m2"), causedBy("m2"),
                                                         causedBy("m2"), andNoMore()));
        }

        @Test
        void aLiveSignalExactlyAtTheEndOfTheWindowIsTooLate() {
            Instant windowEnd = T0.plus(WINDOW);
            fixture.givenCurrentTime(windowEnd)
                   .andGiven(created("acme.1", 1, TERMS, T0), activity("acme.1", "m1", T0))
                   .when(record("acme.1", seller("m2", windowEnd)))
                   .expectEvents(closed("acme.1", windowEnd, CloseReason.INACTIVITY),
                                 new ArchiveScheduled("acme.1", "acme", T0.plus(ARCHIVE_AFTER)),
                                 created("acme.2", 2, TERMS, windowEnd),
                                 new ActivityRecorded("acme.2", "acme", "m2", SignalSource.SELLER, null, windowEnd,
                                                      windowEnd));
        }

        @Test
        void aSignalReceivedBeforeTheClosureButStoredAfterItOpensTheNextSessionWhenTheFirstClosed() {
            Instant windowEnd = T0.plus(WINDOW);
            Instant receivedJustBefore = windowEnd.minusMillis(5);
            fixture.givenCurrentTime(windowEnd.plusMillis(20))
                   .andGiven(created("acme.1", 1, TERMS, T0), activity("acme.1", "m1", T0),
                             closed("acme.1", windowEnd, CloseReason.INACTIVITY))
                   .when(record("acme.1", client("m2", "A12", receivedJustBefore)))
                   .expectEvents(created("acme.2", 2, TERMS, windowEnd),
                                 new ActivityRecorded("acme.2", "acme", "m2", SignalSource.CLIENT, "A12",
                                                      receivedJustBefore, receivedJustBefore));
        }

        @Test
        void aLiveSignalThatFindsTheSessionAlreadyClosedOpensTheNextOne() {
            Instant later = T0.plus(Duration.ofHours(2));
            fixture.givenCurrentTime(later)
                   .andGiven(created("acme.1", 1, TERMS, T0), activity("acme.1", "m1", T0),
                             closed("acme.1", T0.plus(WINDOW), CloseReason.INACTIVITY))
                   .when(record("acme.1", seller("m2", later)))
                   .expectEvents(created("acme.2", 2, TERMS, later),
                                 new ActivityRecorded("acme.2", "acme", "m2", SignalSource.SELLER, null, later, later))
                   .expectResultMessagePayload(List.of(new RecordedSignal("m2", "acme.2", true)));
        }

        @Test
        void aBatchThatSpansTheEndOfTheWindowSplitsBetweenTheSessionAndItsSuccessor() {
            Instant late = T0.plus(Duration.ofMinutes(46));
            fixture.givenCurrentTime(T0)
                   .when(open("acme.1", 1, TERMS, seller("m1", T0), client("m2", "A12", late)))
                   .expectEvents(created("acme.1", 1, TERMS, T0),
                                 new ActivityRecorded("acme.1", "acme", "m1", SignalSource.SELLER, null, T0, T0),
                                 closed("acme.1", T0.plus(WINDOW), CloseReason.INACTIVITY),
                                 new ArchiveScheduled("acme.1", "acme", T0.plus(ARCHIVE_AFTER)),
                                 created("acme.2", 2, TERMS, late),
                                 new ActivityRecorded("acme.2", "acme", "m2", SignalSource.CLIENT, "A12", late, late))
                   .expectResultMessagePayload(List.of(new RecordedSignal("m1", "acme.1", true),
                                                       new RecordedSignal("m2", "acme.2", true)));
        }

        @Test
        void theDeadlineOfASessionAlreadyClosedChangesNothing() {
            fixture.givenCurrentTime(T0)
                   .andGivenCommands(open("acme.1", 1, TERMS, seller("m1", T0)))
                   .andGiven(closed("acme.1", T0.plus(WINDOW), CloseReason.INACTIVITY))
                   .whenTimeElapses(WINDOW)
                   .expectNoEvents();
        }

        @Test
        void aCleanupRunClosesAnActiveSessionIdleLongerThanItsThresholdWhenItBecameInactive() {
            SessionTerms longWindow = new SessionTerms(Duration.ofHours(48), true, null);
            fixture.givenCurrentTime(T0)
                   .andGiven(created("acme.1", 1, longWindow, T0), activity("acme.1", "m1", T0))
                   .when(new CloseIfInactive("acme.1", T0.plus(Duration.ofHours(30)), Duration.ofHours(24)))
                   .expectEvents(closed("acme.1", T0.plus(Duration.ofHours(24)), CloseReason.MANUAL),
                                 new ArchiveScheduled("acme.1", "acme", T0.plus(ARCHIVE_AFTER)))
                   .expectResultMessagePayload(true);
        }

        @Test
        void aCleanupRunClosesAnOverdueSessionAtTheEndOfItsOwnWindow() {
            fixture.givenCurrentTime(T0)
                   .andGiven(created("acme.1", 1, TERMS, T0), activity("acme.1", "m1", T0))
                   .when(new CloseIfInactive("acme.1", T0.plus(Duration.ofDays(2)), Duration.ofHours(24)))
                   .expectEvents(closed("acme.1", T0.plus(WINDOW), CloseReason.INACTIVITY),
                                 new ArchiveScheduled("acme.1", "acme", T0.plus(ARCHIVE_AFTER)));
        }

        /** A run reaches a session some time after it started: the archive's notice counts from then. */
        @Test
        void aSessionACleanupRunClosesGetsItsWholeArchiveNoticeFromWhenTheRunReachedIt() {
            Instant runStarted = T0.plus(Duration.ofDays(40));
            Instant reached = runStarted.plus(Duration.ofMinutes(20));
            fixture.givenCurrentTime(reached)
                   .andGiven(created("acme.1", 1, TERMS, T0), activity("acme.1", "m1", T0))
                   .when(new CloseIfInactive("acme.1", runStarted, Duration.ofHours(24)))
                   .expectEvents(closed("acme.1", T0.plus(WINDOW), CloseReason.INACTIVITY),
                                 new ArchiveScheduled("acme.1", "acme", reached.plus(NOTICE)));
        }

        @Test
        void aCleanupRunLeavesASessionThatIsNotIdleEnoughAlone() {
            fixture.givenCurrentTime(T0)
                   .andGiven(created("acme.1", 1, TERMS, T0), activity("acme.1", "m1", T0))
                   .when(new CloseIfInactive("acme.1", T0.plus(Duration.ofMinutes(30)), Duration.ofHours(24)))
                   .expectNoEvents()
                   .expectResultMessagePayload(false);
        }
    }

    @Nested
    class MaximumLifespan {

        private final SessionTerms capped = new SessionTerms(WINDOW, true, Duration.ofHours(2));

        @Test
        void aBusySessionClosesWhenItReachesItsMaximumLifespan() {
            fixture.givenCurrentTime(T0)
                   .andGivenCommands(open("acme.1", 1, capped, seller("m1", T0)),
                                     record("acme.1", client("m2", "A1", T0.plus(Duration.ofMinutes(40)))),
                                     record("acme.1", client("m3", "A2", T0.plus(Duration.ofMinutes(80)))),
                                     record("acme.1", client("m4", "A3", T0.plus(Duration.ofMinutes(110)))))
                   .whenTimeAdvancesTo(T0.plus(Duration.ofHours(2)))
                   .expectEvents(closed("acme.1", T0.plus(Duration.ofHours(2)), CloseReason.MAX_LIFESPAN),
                                 new ArchiveScheduled("acme.1", "acme",
                                                      T0.plus(Duration.ofMinutes(110)).plus(ARCHIVE_AFTER)));
        }

        @Test
        void openingACappedSessionSchedulesItsEnd() {
            fixture.givenCurrentTime(T0)
                   .when(open("acme.1", 1, capped, seller("m1", T0)))
                   .expectScheduledDeadline(Duration.ofHours(2), new LifespanDeadline(T0.plus(Duration.ofHours(2))));
        }

        @Test
        void aLiveSignalAfterTheLifespanEndClosesTheSessionThereAndOpensTheNext() {
            Instant late = T0.plus(Duration.ofMinutes(125));
            fixture.givenCurrentTime(late)
                   .andGiven(created("acme.1", 1, capped, T0), activity("acme.1", "m1", T0),
                             activity("acme.1", "m2", T0.plus(Duration.ofMinutes(100))))
                   .when(record("acme.1", client("m3", "A1", late)))
                   .expectEvents(closed("acme.1", T0.plus(Duration.ofHours(2)), CloseReason.MAX_LIFESPAN),
                                 new ArchiveScheduled("acme.1", "acme",
                                                      T0.plus(Duration.ofMinutes(100)).plus(ARCHIVE_AFTER)),
                                 created("acme.2", 2, TERMS, late),
                                 new ActivityRecorded("acme.2", "acme", "m3", SignalSource.CLIENT, "A1", late, late));
        }
        @Test
        void theLifespanDeadlineOfASessionClosedMeanwhileChangesNothing() {
            fixture.givenCurrentTime(T0)
                   .andGivenCommands(open("acme.1", 1, capped, seller("m1", T0)),
                                     new CloseLiveSession("acme.1", T0.plus(Duration.ofMinutes(10))))
                   .whenTimeElapses(Duration.ofHours(3))
                   .expectNoEvents();
        }
    }

    @Nested
    class ClosingByHand {

        @Test
        void deactivatingClosesTheSessionNow() {
            Instant now = T0.plus(Duration.ofMinutes(10));
            fixture.givenCurrentTime(now)
                   .andGiven(created("acme.1", 1, TERMS, T0), activity("acme.1", "m1", T0))
                   .when(new CloseLiveSession("acme.1", now))
                   .expectEvents(closed("acme.1", now, CloseReason.MANUAL),
                                 new ArchiveScheduled("acme.1", "acme", T0.plus(ARCHIVE_AFTER)))
                   .expectResultMessagePayload(true);
        }

        @Test
        void deactivatingASessionPastItsWindowClosesItWhenItsWindowEnded() {
            Instant late = T0.plus(WINDOW).plus(Duration.ofMinutes(30));
            fixture.givenCurrentTime(late)
                   .andGiven(created("acme.1", 1, TERMS, T0), activity("acme.1", "m1", T0))
                   .when(new CloseLiveSession("acme.1", late))
                   .expectEvents(closed("acme.1", T0.plus(WINDOW), CloseReason.INACTIVITY),
                                 new ArchiveScheduled("acme.1", "acme", T0.plus(ARCHIVE_AFTER)))
                   .expectResultMessagePayload(true);
        }

        @Test
        void deactivatingASessionThatIsNotActiveChangesNothing() {
            fixture.givenCurrentTime(T0)
                   .andGiven(created("acme.1", 1, TERMS, T0), closed("acme.1", T0.plus(WINDOW),
                                                                       CloseReason.INACTIVITY))
                   .when(new CloseLiveSession("acme.1", T0.plus(Duration.ofHours(1))))
                   .expectNoEvents()
                   .expectResultMessagePayload(false);
        }
    }

    @Nested
    class Archiving {

        @Test
        void anIdleSessionIsArchivedAutomaticallyAfterANotice() {
            fixture.givenCurrentTime(T0)
                   .andGivenCommands(open("acme.1", 1, TERMS, seller("m1", T0)))
                   .whenTimeElapses(ARCHIVE_AFTER)
                   .expectEvents(closed("acme.1", T0.plus(WINDOW), CloseReason.INACTIVITY),
                                 new ArchiveScheduled("acme.1", "acme", T0.plus(ARCHIVE_AFTER)),
                                 new ArchiveNoticeIssued("acme.1", "acme", T0.plus(ARCHIVE_AFTER),
                                                         T0.plus(ARCHIVE_AFTER).minus(NOTICE)),
                                 new SessionArchived("acme.1", "acme", T0.plus(ARCHIVE_AFTER),
                                                     ArchiveTrigger.AUTOMATIC));
        }

        @Test
        void turningAutoCleanupOffCancelsThePendingArchive() {
            fixture.givenCurrentTime(T0)
                   .andGivenCommands(open("acme.1", 1, TERMS, seller("m1", T0)),
                                     new CloseLiveSession("acme.1", T0.plusSeconds(60)),
                                     new ChangeAutoCleanup("acme.1", false, T0.plusSeconds(120)))
                   .whenTimeElapses(ARCHIVE_AFTER.plusDays(1))
                   .expectNoEvents();
        }

        @Test
        void turningAutoCleanupOffIsRecorded() {
            fixture.givenCurrentTime(T0)
                   .andGiven(created("acme.1", 1, TERMS, T0), closed("acme.1", T0, CloseReason.MANUAL),
                             new ArchiveScheduled("acme.1", "acme", T0.plus(ARCHIVE_AFTER)))
                   .when(new ChangeAutoCleanup("acme.1", false, T0.plusSeconds(60)))
                   .expectEvents(new AutoCleanupChanged("acme.1", "acme", false, T0.plusSeconds(60)))
                   .expectResultMessagePayload(true);
        }

        @Test
        void turningAutoCleanupOffAfterTheNoticeWithdrawsIt() {
            Instant archiveAt = T0.plus(ARCHIVE_AFTER);
            Instant off = archiveAt.minus(Duration.ofHours(1));
            fixture.givenCurrentTime(off)
                   .andGiven(closedWithItsArchiveAnnounced(archiveAt))
                   .when(new ChangeAutoCleanup("acme.1", false, off))
                   .expectEvents(new AutoCleanupChanged("acme.1", "acme", false, off),
                                 new ArchiveNoticeWithdrawn("acme.1", "acme", archiveAt, off));
        }

        @Test
        void anArchiveWithdrawnThenScheduledAgainForTheSameMomentIsAnnouncedAgain() {
            Instant archiveAt = T0.plus(ARCHIVE_AFTER);
            Instant off = archiveAt.minus(Duration.ofHours(3));
            Instant on = archiveAt.minus(Duration.ofHours(2));
            Duration hourOfNotice = Duration.ofHours(1);
            // With an hour of notice now, the archive scheduled again falls when the withdrawn one did; it is announced
            // again all the same (given events schedule no deadline: the first notice's archive deadline is left out).
            retention = new RetentionPolicy(true, ARCHIVE_AFTER, hourOfNotice);
            fixture.givenCurrentTime(on)
                   .andGiven(closedWithItsArchiveAnnounced(archiveAt))
                   .andGiven(new AutoCleanupChanged("acme.1", "acme", false, off),
                             new ArchiveNoticeWithdrawn("acme.1", "acme", archiveAt, off))
                   .andGivenCommands(new ChangeAutoCleanup("acme.1", true, on))
                   .whenTimeElapses(Duration.ofHours(2))
                   .expectEvents(new ArchiveNoticeIssued("acme.1", "acme", archiveAt, archiveAt.minus(hourOfNotice)),
                                 new SessionArchived("acme.1", "acme", archiveAt, ArchiveTrigger.AUTOMATIC));
        }

        @Test
        void turningAutoCleanupBackOnSchedulesTheArchiveAgainNeverWithoutNotice() {
            Instant muchLater = T0.plus(Duration.ofDays(40));
            fixture.givenCurrentTime(muchLater)
                   .andGiven(created("acme.1", 1, TERMS, T0), closed("acme.1", T0.plus(WINDOW),
                                                                       CloseReason.INACTIVITY),
                             new AutoCleanupChanged("acme.1", "acme", false, T0.plus(Duration.ofHours(1))))
                   .when(new ChangeAutoCleanup("acme.1", true, muchLater))
                   .expectEvents(new AutoCleanupChanged("acme.1", "acme", true, muchLater),
                                 new ArchiveScheduled("acme.1", "acme", muchLater.plus(NOTICE)));
        }

        @Test
        void changingAutoCleanupToWhatItIsChangesNothing() {
            fixture.givenCurrentTime(T0)
                   .andGiven(created("acme.1", 1, TERMS, T0))
                   .when(new ChangeAutoCleanup("acme.1", true, T0))
                   .expectNoEvents()
                   .expectResultMessagePayload(false);
        }

        @Test
        void aSessionOpenedWithAutoCleanupOffIsNeverArchivedAutomatically() {
            SessionTerms keep = new SessionTerms(WINDOW, false, null);
            fixture.givenCurrentTime(T0)
                   .andGivenCommands(open("acme.1", 1, keep, seller("m1", T0)))
                   .whenTimeElapses(ARCHIVE_AFTER.plusDays(5))
                   .expectEvents(closed("acme.1", T0.plus(WINDOW), CloseReason.INACTIVITY));
        }

        @Test
        void withAutomaticArchivingSwitchedOffNothingIsScheduled() {
            retention = new RetentionPolicy(false, ARCHIVE_AFTER, NOTICE);
            fixture.givenCurrentTime(T0)
                   .andGivenCommands(open("acme.1", 1, TERMS, seller("m1", T0)))
                   .whenTimeElapses(ARCHIVE_AFTER.plusDays(5))
                   .expectEvents(closed("acme.1", T0.plus(WINDOW), CloseReason.INACTIVITY));
        }

        @Test
        void aCleanupRunArchivesAnIdleSessionClosingItFirstIfItIsStillActive() {
            Instant asOf = T0.plus(Duration.ofDays(31));
            fixture.givenCurrentTime(asOf)
                   .andGiven(created("acme.1", 1, TERMS, T0), activity("acme.1", "m1", T0))
                   .when(new ArchiveIfIdle("acme.1", asOf, ARCHIVE_AFTER))
                   .expectEvents(closed("acme.1", T0.plus(WINDOW), CloseReason.INACTIVITY),
                                 new SessionArchived("acme.1", "acme", asOf, ArchiveTrigger.CLEANUP_RUN))
                   .expectNoScheduledDeadlines()
                   .expectResultMessagePayload(true);
        }

        @Test
        void aCleanupRunLeavesAnAnnouncedArchiveToTheDateItAnnounced() {
            Instant archiveAt = T0.plus(ARCHIVE_AFTER);
            Instant asOf = archiveAt.minus(Duration.ofHours(1));
            fixture.givenCurrentTime(asOf)
                   .andGiven(closedWithItsArchiveAnnounced(archiveAt))
                   .when(new ArchiveIfIdle("acme.1", asOf, Duration.ofDays(7)))
                   .expectNoEvents()
                   .expectResultMessagePayload(false);
        }

        /** Its own deadline lost (a database restored without its scheduled tasks), a run still archives it. */
        @Test
        void aCleanupRunArchivesASessionWhoseAnnouncedDateHasPassed() {
            Instant archiveAt = T0.plus(ARCHIVE_AFTER);
            Instant asOf = archiveAt.plus(Duration.ofDays(1));
            fixture.givenCurrentTime(asOf)
                   .andGiven(closedWithItsArchiveAnnounced(archiveAt))
                   .when(new ArchiveIfIdle("acme.1", asOf, Duration.ofDays(7)))
                   .expectEvents(new SessionArchived("acme.1", "acme", asOf, ArchiveTrigger.CLEANUP_RUN))
                   .expectResultMessagePayload(true);
        }

        @Test
        void aCleanupRunLeavesSessionsWithAutoCleanupOffAlone() {
            SessionTerms keep = new SessionTerms(WINDOW, false, null);
            fixture.givenCurrentTime(T0)
                   .andGiven(created("acme.1", 1, keep, T0), closed("acme.1", T0.plus(WINDOW),
                                                                      CloseReason.INACTIVITY))
                   .when(new ArchiveIfIdle("acme.1", T0.plus(Duration.ofDays(60)), ARCHIVE_AFTER))
                   .expectNoEvents()
                   .expectResultMessagePayload(false);
        }
        @Test
        void anArchiveScheduledBeforeAutomaticArchivingWasSwitchedOffIsCancelledWithoutNotice() {
            fixture.givenCurrentTime(T0)
                   .andGivenCommands(open("acme.1", 1, TERMS, seller("m1", T0)),
                                     new CloseLiveSession("acme.1", T0));
            retention = new RetentionPolicy(false, ARCHIVE_AFTER, NOTICE);
            fixture.whenTimeElapses(ARCHIVE_AFTER.plusDays(1))
                   .expectEvents(new ArchiveCancelled("acme.1", "acme", T0.plus(ARCHIVE_AFTER).minus(NOTICE)))
                   .expectNoScheduledDeadlines();
        }

        @Test
        void anArchiveAnnouncedThenCancelledBecauseAutomaticArchivingWasSwitchedOffIsWithdrawn() {
            Instant archiveAt = T0.plus(ARCHIVE_AFTER);
            archivingSwitchedOffAt = archiveAt.minus(Duration.ofHours(1));
            fixture.givenCurrentTime(T0)
                   .andGivenCommands(open("acme.1", 1, TERMS, seller("m1", T0)),
                                     new CloseLiveSession("acme.1", T0))
                   .whenTimeElapses(ARCHIVE_AFTER)
                   .expectEvents(new ArchiveNoticeIssued("acme.1", "acme", archiveAt, archiveAt.minus(NOTICE)),
                                 new ArchiveCancelled("acme.1", "acme", archiveAt),
                                 new ArchiveNoticeWithdrawn("acme.1", "acme", archiveAt, archiveAt));
        }

        @Test
        void anArchiveWithoutNoticeIsCancelledWhenAutomaticArchivingWasSwitchedOffMeanwhile() {
            retention = new RetentionPolicy(true, ARCHIVE_AFTER, Duration.ZERO);
            fixture.givenCurrentTime(T0)
                   .andGivenCommands(open("acme.1", 1, TERMS, seller("m1", T0)),
                                     new CloseLiveSession("acme.1", T0));
            retention = new RetentionPolicy(false, ARCHIVE_AFTER, Duration.ZERO);
            fixture.whenTimeElapses(ARCHIVE_AFTER)
                   .expectEvents(new ArchiveCancelled("acme.1", "acme", T0.plus(ARCHIVE_AFTER)));
        }

        @Test
        void theNoticeSchedulesTheArchiveItAnnounces() {
            Instant archiveAt = T0.plus(ARCHIVE_AFTER);
            fixture.givenCurrentTime(T0)
                   .andGivenCommands(open("acme.1", 1, TERMS, seller("m1", T0)))
                   .whenTimeElapses(ARCHIVE_AFTER.minus(NOTICE))
                   .expectEvents(closed("acme.1", T0.plus(WINDOW), CloseReason.INACTIVITY),
                                 new ArchiveScheduled("acme.1", "acme", archiveAt),
                                 new ArchiveNoticeIssued("acme.1", "acme", archiveAt, archiveAt.minus(NOTICE)))
                   .expectScheduledDeadline(NOTICE, new ArchiveDeadline(archiveAt));
        }

        @Test
        void anArchiveIsAnnouncedOnceThoughAutoCleanupWasSwitchedOffAndOnBeforeItsNotice() {
            Instant archiveAt = T0.plus(ARCHIVE_AFTER);
            fixture.givenCurrentTime(T0)
                   .andGivenCommands(open("acme.1", 1, TERMS, seller("m1", T0)),
                                     new CloseLiveSession("acme.1", T0),
                                     new ChangeAutoCleanup("acme.1", false, T0.plusSeconds(60)),
                                     new ChangeAutoCleanup("acme.1", true, T0.plusSeconds(120)))
                   .whenTimeElapses(ARCHIVE_AFTER.minus(NOTICE))
                   .expectEvents(new ArchiveNoticeIssued("acme.1", "acme", archiveAt, archiveAt.minus(NOTICE)))
                   .expectScheduledDeadline(NOTICE, new ArchiveDeadline(archiveAt));
        }

        @Test
        void anArchiveThatFallsDueBeforeItsNoticeWasGivenGivesTheNoticeThenAndArchivesAFullNoticeLater() {
            // Archives were scheduled without notice; notices are switched on before this one falls due. (After
            // downtime over both moments, the archive's deadline can likewise run before the notice's.)
            retention = new RetentionPolicy(true, ARCHIVE_AFTER, Duration.ZERO);
            fixture.givenCurrentTime(T0)
                   .andGivenCommands(open("acme.1", 1, TERMS, seller("m1", T0)),
                                     new CloseLiveSession("acme.1", T0));
            retention = new RetentionPolicy(true, ARCHIVE_AFTER, NOTICE);
            Instant due = T0.plus(ARCHIVE_AFTER);
            fixture.whenTimeElapses(ARCHIVE_AFTER)
                   .expectEvents(new ArchiveScheduled("acme.1", "acme", due.plus(NOTICE)),
                                 new ArchiveNoticeIssued("acme.1", "acme", due.plus(NOTICE), due))
                   .expectScheduledDeadline(NOTICE, new ArchiveDeadline(due.plus(NOTICE)));
        }

        @Test
        void anArchiveWhoseNoticeWasGivenArchives() {
            Instant archiveAt = T0.plus(ARCHIVE_AFTER);
            retention = new RetentionPolicy(true, ARCHIVE_AFTER, Duration.ZERO);
            fixture.givenCurrentTime(T0)
                   .andGivenCommands(open("acme.1", 1, TERMS, seller("m1", T0)),
                                     new CloseLiveSession("acme.1", T0));
            fixture.whenTimeElapses(ARCHIVE_AFTER)
                   .expectEvents(new SessionArchived("acme.1", "acme", archiveAt, ArchiveTrigger.AUTOMATIC));
        }

        @Test
        void turningAutoCleanupOnWhileTheSessionIsActiveSchedulesTheArchiveOnlyWhenItCloses() {
            SessionTerms keep = new SessionTerms(WINDOW, false, null);
            fixture.givenCurrentTime(T0)
                   .andGivenCommands(open("acme.1", 1, keep, seller("m1", T0)),
                                     new ChangeAutoCleanup("acme.1", true, T0.plusSeconds(60)))
                   .whenTimeElapses(WINDOW)
                   .expectEvents(closed("acme.1", T0.plus(WINDOW), CloseReason.INACTIVITY),
                                 new ArchiveScheduled("acme.1", "acme", T0.plus(ARCHIVE_AFTER)));
        }

        @Test
        void aCleanupRunNeverClosesASessionLaterThanWhenItFoundItIdle() {
            SessionTerms weekLong = new SessionTerms(Duration.ofDays(7), true, null);
            Instant asOf = T0.plus(Duration.ofDays(4));
            Duration idleFor = Duration.ofDays(3);
            fixture.givenCurrentTime(asOf)
                   .andGiven(created("acme.1", 1, weekLong, T0))
                   .when(new ArchiveIfIdle("acme.1", asOf, idleFor))
                   .expectEvents(closed("acme.1", T0.plus(idleFor), CloseReason.MANUAL),
                                 new SessionArchived("acme.1", "acme", asOf, ArchiveTrigger.CLEANUP_RUN));
        }

        @Test
        void aCleanupRunLeavesDeletedSessionsAlone() {
            fixture.givenCurrentTime(T0)
                   .andGiven(created("acme.1", 1, TERMS, T0), closed("acme.1", T0, CloseReason.MANUAL),
                             new SessionDeleted("acme.1", "acme", T0))
                   .when(new ArchiveIfIdle("acme.1", T0.plus(Duration.ofDays(60)), ARCHIVE_AFTER))
                   .expectNoEvents()
                   .expectResultMessagePayload(false);
        }
    }

    @Nested
    class DeletingAndRestoring {

        @Test
        void deletingAnActiveSessionClosesItFirst() {
            Instant now = T0.plus(Duration.ofMinutes(5));
            fixture.givenCurrentTime(now)
                   .andGiven(created("acme.1", 1, TERMS, T0), activity("acme.1", "m1", T0))
                   .when(new DeleteSession("acme.1", now))
                   .expectEvents(closed("acme.1", now, CloseReason.MANUAL),
                                 new SessionDeleted("acme.1", "acme", now))
                   .expectNoScheduledDeadlines()
                   .expectResultMessagePayload(true);
        }

        @Test
        void deletingASessionWhoseArchiveWasAnnouncedWithdrawsTheNotice() {
            Instant archiveAt = T0.plus(ARCHIVE_AFTER);
            Instant now = archiveAt.minus(Duration.ofHours(1));
            fixture.givenCurrentTime(now)
                   .andGiven(closedWithItsArchiveAnnounced(archiveAt))
                   .when(new DeleteSession("acme.1", now))
                   .expectEvents(new SessionDeleted("acme.1", "acme", now),
                                 new ArchiveNoticeWithdrawn("acme.1", "acme", archiveAt, now))
                   .expectResultMessagePayload(true);
        }

        @Test
        void deletingTwiceChangesNothingTheSecondTime() {
            fixture.givenCurrentTime(T0)
                   .andGiven(created("acme.1", 1, TERMS, T0), closed("acme.1", T0, CloseReason.MANUAL),
                             new SessionDeleted("acme.1", "acme", T0))
                   .when(new DeleteSession("acme.1", T0.plusSeconds(1)))
                   .expectNoEvents()
                   .expectResultMessagePayload(false);
        }

        @Test
        void aDeletedSessionIsRestoredAsAClosedSessionWhoseArchiveDelayStartsAgain() {
            Instant restoredAt = T0.plus(Duration.ofDays(3));
            fixture.givenCurrentTime(restoredAt)
                   .andGiven(created("acme.1", 1, TERMS, T0), closed("acme.1", T0, CloseReason.MANUAL),
                             new SessionDeleted("acme.1", "acme", T0))
                   .when(new RestoreSession("acme.1", restoredAt))
                   .expectEvents(new SessionRestored("acme.1", "acme", restoredAt),
                                 new ArchiveScheduled("acme.1", "acme", restoredAt.plus(ARCHIVE_AFTER)))
                   .expectResultMessagePayload(true);
        }

        @Test
        void anArchivedSessionIsRestoredTheSameWay() {
            Instant restoredAt = T0.plus(Duration.ofDays(40));
            fixture.givenCurrentTime(restoredAt)
                   .andGiven(created("acme.1", 1, TERMS, T0), closed("acme.1", T0, CloseReason.MANUAL),
                             new SessionArchived("acme.1", "acme", T0.plus(ARCHIVE_AFTER), ArchiveTrigger.AUTOMATIC))
                   .when(new RestoreSession("acme.1", restoredAt))
                   .expectEvents(new SessionRestored("acme.1", "acme", restoredAt),
                                 new ArchiveScheduled("acme.1", "acme", restoredAt.plus(ARCHIVE_AFTER)));
        }

        @Test
        void restoringASessionThatIsNeitherArchivedNorDeletedChangesNothing() {
            fixture.givenCurrentTime(T0)
                   .andGiven(created("acme.1", 1, TERMS, T0))
                   .when(new RestoreSession("acme.1", T0))
                   .expectNoEvents()
                   .expectResultMessagePayload(false);
        }

        @Test
        void aLiveSignalThatFindsItsSessionDeletedOpensTheNextOne() {
            Instant now = T0.plus(Duration.ofMinutes(10));
            fixture.givenCurrentTime(now)
                   .andGiven(created("acme.1", 1, TERMS, T0), closed("acme.1", T0.plusSeconds(5),
                                                                       CloseReason.MANUAL),
                             new SessionDeleted("acme.1", "acme", T0.plusSeconds(5)))
                   .when(record("acme.1", client("m2", "A1", now)))
                   .expectEvents(created("acme.2", 2, TERMS, now),
                                 new ActivityRecorded("acme.2", "acme", "m2", SignalSource.CLIENT, "A1", now, now));
        }
        @Test
        void anArchivedSessionCanBeDeleted() {
            fixture.givenCurrentTime(T0.plus(Duration.ofDays(40)))
                   .andGiven(created("acme.1", 1, TERMS, T0), closed("acme.1", T0, CloseReason.MANUAL),
                             new SessionArchived("acme.1", "acme", T0.plus(ARCHIVE_AFTER), ArchiveTrigger.AUTOMATIC))
                   .when(new DeleteSession("acme.1", T0.plus(Duration.ofDays(40))))
                   .expectEvents(new SessionDeleted("acme.1", "acme", T0.plus(Duration.ofDays(40))))
                   .expectResultMessagePayload(true);
        }

        @Test
        void aRestoredSessionIgnoresTheArchiveItHadBeforeAndFollowsItsNewOne() {
            Instant deletedAt = T0.plus(Duration.ofHours(1));
            Instant restoredAt = T0.plus(Duration.ofHours(2));
            Instant newArchive = restoredAt.plus(ARCHIVE_AFTER);
            fixture.givenCurrentTime(T0)
                   .andGivenCommands(open("acme.1", 1, TERMS, seller("m1", T0)),
                                     new CloseLiveSession("acme.1", T0),
                                     new DeleteSession("acme.1", deletedAt),
                                     new RestoreSession("acme.1", restoredAt))
                   .whenTimeElapses(ARCHIVE_AFTER)
                   .expectEvents(new ArchiveNoticeIssued("acme.1", "acme", newArchive, newArchive.minus(NOTICE)));
        }

        @Test
        void aCleanupRunCountsARestoredSessionIdleSinceItsRestore() {
            Instant restoredAt = T0.plus(Duration.ofDays(40));
            Instant nextNight = restoredAt.plus(Duration.ofDays(1));
            fixture.givenCurrentTime(nextNight)
                   .andGiven(archivedThenRestored(restoredAt))
                   .when(new ArchiveIfIdle("acme.1", nextNight, ARCHIVE_AFTER))
                   .expectNoEvents()
                   .expectResultMessagePayload(false);
        }

        @Test
        void aCleanupRunArchivesARestoredSessionOnceIdleForTheDelaySinceItsRestore() {
            Instant restoredAt = T0.plus(Duration.ofDays(40));
            Instant asOf = restoredAt.plus(ARCHIVE_AFTER);
            fixture.givenCurrentTime(asOf)
                   .andGiven(created("acme.1", 1, TERMS, T0), closed("acme.1", T0, CloseReason.MANUAL),
                             new SessionDeleted("acme.1", "acme", T0.plusSeconds(1)),
                             new SessionRestored("acme.1", "acme", restoredAt))
                   .when(new ArchiveIfIdle("acme.1", asOf, ARCHIVE_AFTER))
                   .expectEvents(new SessionArchived("acme.1", "acme", asOf, ArchiveTrigger.CLEANUP_RUN))
                   .expectResultMessagePayload(true);
        }

        @Test
        void autoCleanupSwitchedBackOnAfterARestoreCountsTheDelayFromTheRestore() {
            Instant restoredAt = T0.plus(Duration.ofDays(40));
            Instant backOn = restoredAt.plus(Duration.ofHours(2));
            fixture.givenCurrentTime(backOn)
                   .andGiven(archivedThenRestored(restoredAt))
                   .andGiven(new AutoCleanupChanged("acme.1", "acme", false, restoredAt.plus(Duration.ofHours(1))))
                   .when(new ChangeAutoCleanup("acme.1", true, backOn))
                   .expectEvents(new AutoCleanupChanged("acme.1", "acme", true, backOn),
                                 new ArchiveScheduled("acme.1", "acme", restoredAt.plus(ARCHIVE_AFTER)));
        }
    }

    /** A session closed by hand at T0, archived once its delay passed, and restored at {@code restoredAt}. */
    private static List<Object> archivedThenRestored(Instant restoredAt) {
        return List.of(created("acme.1", 1, TERMS, T0), closed("acme.1", T0, CloseReason.MANUAL),
                       new SessionArchived("acme.1", "acme", T0.plus(ARCHIVE_AFTER), ArchiveTrigger.AUTOMATIC),
                       new SessionRestored("acme.1", "acme", restoredAt));
    }

    /** The service's clock, in the fixture: the fixture's own time, which its deadlines follow. */
    private final class FixtureClock extends UtcClock {

        @Override
        public Instant instant() {
            return fixture.currentTime();
        }
    }

    /** A session closed at T0, whose archive at {@code archiveAt} was announced a notice period before. */
    private static List<Object> closedWithItsArchiveAnnounced(Instant archiveAt) {
        return List.of(created("acme.1", 1, TERMS, T0), closed("acme.1", T0, CloseReason.MANUAL),
                       new ArchiveScheduled("acme.1", "acme", archiveAt),
                       new ArchiveNoticeIssued("acme.1", "acme", archiveAt, archiveAt.minus(NOTICE)));
    }

    private static OpenLiveSession open(String sessionId, long number, SessionTerms terms, LiveSignal... signals) {
        return new OpenLiveSession(sessionId, "acme", number, terms, List.of(signals));
    }

    private static RecordActivity record(String sessionId, LiveSignal... signals) {
        return new RecordActivity(sessionId, TERMS, List.of(signals));
    }

    private static LiveSessionCreated created(String sessionId, long number, SessionTerms terms, Instant at) {
        return new LiveSessionCreated(sessionId, "acme", number, terms.inactivityWindow(), at, terms.autoCleanup(),
                                      terms.maxLifespan());
    }

    private static LiveSessionClosed closed(String sessionId, Instant at, CloseReason reason) {
        return new LiveSessionClosed(sessionId, "acme", at, reason);
    }

    private static ActivityRecorded activity(String sessionId, String messageId, Instant at) {
        return new ActivityRecorded(sessionId, "acme", messageId, SignalSource.SELLER, null, at, at);
    }

    /** An event whose metadata names the message that caused it. */
    private static Matcher<EventMessage<?>> causedBy(String messageId) {
        return new TypeSafeMatcher<>() {
            @Override
            protected boolean matchesSafely(EventMessage<?> event) {
                return messageId.equals(event.getMetaData().get("providerMessageId"))
                       && ("corr-" + messageId).equals(event.getMetaData().get("correlationId"));
            }

            @Override
            public void describeTo(Description description) {
                description.appendText("an event caused by message " + messageId);
            }
        };
    }

    private static LiveSignal seller(String messageId, Instant at) {
        return new LiveSignal(messageId, SignalSource.SELLER, null, at, at, "corr-" + messageId);
    }

    private static LiveSignal client(String messageId, String code, Instant at) {
        return new LiveSignal(messageId, SignalSource.CLIENT, code, at, at, "corr-" + messageId);
    }
}
