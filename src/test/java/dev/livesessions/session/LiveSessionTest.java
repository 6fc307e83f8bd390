package dev.livesessions.session;

import dev.livesessions.api.ActivityRecorded;
import dev.livesessions.api.CloseIfInactive;
import dev.livesessions.api.CloseReason;
import dev.livesessions.api.LiveSessionClosed;
import dev.livesessions.api.LiveSessionCreated;
import dev.livesessions.api.LiveSignal;
import dev.livesessions.api.OpenLiveSession;
import dev.livesessions.api.RecordActivity;
import dev.livesessions.api.RecordedSignal;
import dev.livesessions.api.SignalSource;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The rules of a live session, as given events, a command or elapsed time, and the events that follow. */
class LiveSessionTest {

    private static final Instant T0 = Instant.parse("2026-11-22T20:00:00Z");
    private static final Duration WINDOW = Duration.ofMinutes(45);

    private FixtureConfiguration<LiveSession> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(LiveSession.class);
    }

    @Test
    void theFirstLiveSignalOpensTheSessionAndSchedulesItsClosureAtTheEndOfTheWindow() {
        fixture.givenCurrentTime(T0)
               .when(open("acme.1", 1, WINDOW, seller("m1", T0)))
               .expectEvents(new LiveSessionCreated("acme.1", "acme", 1, WINDOW, T0),
                             new ActivityRecorded("acme.1", "acme", "m1", SignalSource.SELLER, null, T0, T0))
               .expectResultMessagePayload(List.of(new RecordedSignal("m1", "acme.1", true)))
               .expectScheduledDeadline(WINDOW, new CloseIfInactive(T0.plus(WINDOW)));
    }

    @Test
    void signalsThatArriveTogetherAreRecordedInOneCommandInTheirOrder() {
        fixture.givenCurrentTime(T0)
               .when(open("acme.1", 1, WINDOW, client("m1", "A12", T0), client("m2", "B7", T0.plusMillis(1)),
                          seller("m3", T0.plusMillis(2))))
               .expectEvents(new LiveSessionCreated("acme.1", "acme", 1, WINDOW, T0),
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
        fixture.givenCurrentTime(T0)
               .andGiven(created("acme.1", 1, WINDOW, T0), activity("acme.1", "m1", T0))
               .when(record("acme.1", client("m2", "A12", T0.plus(Duration.ofMinutes(44)))))
               .expectEvents(new ActivityRecorded("acme.1", "acme", "m2", SignalSource.CLIENT, "A12",
                                                  T0.plus(Duration.ofMinutes(44)), T0.plus(Duration.ofMinutes(44))))
               .expectResultMessagePayload(List.of(new RecordedSignal("m2", "acme.1", false)))
               .expectNoScheduledDeadlines();
    }

    @Test
    void aSessionWithoutActivityClosesWhenItsWindowPasses() {
        fixture.givenCurrentTime(T0)
               .andGivenCommands(open("acme.1", 1, WINDOW, seller("m1", T0)))
               .whenTimeElapses(WINDOW)
               .expectEvents(new LiveSessionClosed("acme.1", "acme", T0.plus(WINDOW), CloseReason.INACTIVITY))
               .expectNoScheduledDeadlines();
    }

    @Test
    void whenActivityMovedTheWindowOnTheDeadlineSchedulesItselfAgainInsteadOfClosing() {
        Instant later = T0.plus(Duration.ofMinutes(30));
        fixture.givenCurrentTime(T0)
               .andGivenCommands(open("acme.1", 1, WINDOW, seller("m1", T0)),
                                 record("acme.1", client("m2", "A12", later)))
               .whenTimeElapses(WINDOW)
               .expectNoEvents()
               .expectScheduledDeadline(Duration.ofMinutes(30), new CloseIfInactive(later.plus(WINDOW)));
    }

    @Test
    void theSessionClosesAtItsLastActivityPlusTheWindowHoweverOftenTheDeadlineMoved() {
        Instant lastActivity = T0.plus(Duration.ofMinutes(70));
        fixture.givenCurrentTime(T0)
               .andGivenCommands(open("acme.1", 1, WINDOW, seller("m1", T0)),
                                 record("acme.1", client("m2", "A12", T0.plus(Duration.ofMinutes(30)))),
                                 record("acme.1", client("m3", "A13", lastActivity)))
               .whenTimeElapses(Duration.ofHours(3))
               .expectEvents(new LiveSessionClosed("acme.1", "acme", lastActivity.plus(WINDOW),
                                                   CloseReason.INACTIVITY));
    }

    @Test
    void aDeadlineThatFiresLateStillClosesAtLastActivityPlusTheWindow() {
        fixture.givenCurrentTime(T0)
               .andGivenCommands(open("acme.1", 1, WINDOW, seller("m1", T0)))
               .whenTimeAdvancesTo(T0.plus(Duration.ofDays(2)))
               .expectEvents(new LiveSessionClosed("acme.1", "acme", T0.plus(WINDOW), CloseReason.INACTIVITY));
    }

    @Test
    void theTenantsOwnWindowDecidesWhenItsSessionCloses() {
        Duration tenMinutes = Duration.ofMinutes(10);
        fixture.givenCurrentTime(T0)
               .andGivenCommands(open("acme.1", 1, tenMinutes, seller("m1", T0)))
               .whenTimeElapses(tenMinutes)
               .expectEvents(new LiveSessionClosed("acme.1", "acme", T0.plus(tenMinutes), CloseReason.INACTIVITY));
    }

    @Test
    void aLiveSignalAfterTheWindowPassedButBeforeTheClosureRanClosesTheSessionAndOpensTheNext() {
        Instant late = T0.plus(Duration.ofMinutes(50));
        fixture.givenCurrentTime(late)
               .andGiven(created("acme.1", 1, WINDOW, T0), activity("acme.1", "m1", T0))
               .when(record("acme.1", client("m2", "A12", late)))
               .expectEvents(new LiveSessionClosed("acme.1", "acme", T0.plus(WINDOW), CloseReason.INACTIVITY),
                             new LiveSessionCreated("acme.2", "acme", 2, WINDOW, late),
                             new ActivityRecorded("acme.2", "acme", "m2", SignalSource.CLIENT, "A12", late, late))
               .expectResultMessagePayload(List.of(new RecordedSignal("m2", "acme.2", true)))
               .expectScheduledDeadline(WINDOW, new CloseIfInactive(late.plus(WINDOW)));
    }

    @Test
    void aLiveSignalExactlyAtTheEndOfTheWindowIsTooLate() {
        Instant windowEnd = T0.plus(WINDOW);
        fixture.givenCurrentTime(windowEnd)
               .andGiven(created("acme.1", 1, WINDOW, T0), activity("acme.1", "m1", T0))
               .when(record("acme.1", seller("m2", windowEnd)))
               .expectEvents(new LiveSessionClosed("acme.1", "acme", windowEnd, CloseReason.INACTIVITY),
                             new LiveSessionCreated("acme.2", "acme", 2, WINDOW, windowEnd),
                             new ActivityRecorded("acme.2", "acme", "m2", SignalSource.SELLER, null, windowEnd,
                                                  windowEnd));
    }

    @Test
    void aLiveSignalThatFindsTheSessionAlreadyClosedOpensTheNextOne() {
        Instant later = T0.plus(Duration.ofHours(2));
        fixture.givenCurrentTime(later)
               .andGiven(created("acme.1", 1, WINDOW, T0), activity("acme.1", "m1", T0),
                         new LiveSessionClosed("acme.1", "acme", T0.plus(WINDOW), CloseReason.INACTIVITY))
               .when(record("acme.1", seller("m2", later)))
               .expectEvents(new LiveSessionCreated("acme.2", "acme", 2, WINDOW, later),
                             new ActivityRecorded("acme.2", "acme", "m2", SignalSource.SELLER, null, later, later))
               .expectResultMessagePayload(List.of(new RecordedSignal("m2", "acme.2", true)));
    }

    @Test
    void aBatchThatSpansTheEndOfTheWindowSplitsBetweenTheSessionAndItsSuccessor() {
        Instant late = T0.plus(Duration.ofMinutes(46));
        fixture.givenCurrentTime(T0)
               .when(open("acme.1", 1, WINDOW, seller("m1", T0), client("m2", "A12", late)))
               .expectEvents(new LiveSessionCreated("acme.1", "acme", 1, WINDOW, T0),
                             new ActivityRecorded("acme.1", "acme", "m1", SignalSource.SELLER, null, T0, T0),
                             new LiveSessionClosed("acme.1", "acme", T0.plus(WINDOW), CloseReason.INACTIVITY),
                             new LiveSessionCreated("acme.2", "acme", 2, WINDOW, late),
                             new ActivityRecorded("acme.2", "acme", "m2", SignalSource.CLIENT, "A12", late, late))
               .expectResultMessagePayload(List.of(new RecordedSignal("m1", "acme.1", true),
                                                   new RecordedSignal("m2", "acme.2", true)));
    }

    @Test
    void theDeadlineOfASessionClosedByALateSignalChangesNothing() {
        Instant late = T0.plus(Duration.ofMinutes(50));
        fixture.givenCurrentTime(T0)
               .andGivenCommands(open("acme.1", 1, WINDOW, seller("m1", T0)))
               .andGiven(new LiveSessionClosed("acme.1", "acme", T0.plus(WINDOW), CloseReason.INACTIVITY))
               .whenTimeElapses(WINDOW)
               .expectNoEvents();
    }

    private static OpenLiveSession open(String sessionId, long number, Duration window, LiveSignal... signals) {
        return new OpenLiveSession(sessionId, "acme", number, window, List.of(signals));
    }

    private static RecordActivity record(String sessionId, LiveSignal... signals) {
        return new RecordActivity(sessionId, WINDOW, List.of(signals));
    }

    private static LiveSessionCreated created(String sessionId, long number, Duration window, Instant at) {
        return new LiveSessionCreated(sessionId, "acme", number, window, at);
    }

    private static ActivityRecorded activity(String sessionId, String messageId, Instant at) {
        return new ActivityRecorded(sessionId, "acme", messageId, SignalSource.SELLER, null, at, at);
    }

    private static LiveSignal seller(String messageId, Instant at) {
        return new LiveSignal(messageId, SignalSource.SELLER, null, at, at, "corr-" + messageId);
    }

    private static LiveSignal client(String messageId, String code, Instant at) {
        return new LiveSignal(messageId, SignalSource.CLIENT, code, at, at, "corr-" + messageId);
    }
}
