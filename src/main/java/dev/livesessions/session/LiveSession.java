package dev.livesessions.session;

import com.fasterxml.jackson.annotation.JsonProperty;
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
import dev.livesessions.api.SessionIds;
import dev.livesessions.api.SessionRestored;
import dev.livesessions.api.SessionTerms;
import dev.livesessions.session.Deadlines.ArchiveDeadline;
import dev.livesessions.session.Deadlines.ArchiveNoticeDeadline;
import dev.livesessions.session.Deadlines.InactivityDeadline;
import dev.livesessions.session.Deadlines.LifespanDeadline;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.annotation.DeadlineHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.messaging.MetaData;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.serialization.Revision;
import org.axonframework.spring.stereotype.Aggregate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;
import static org.axonframework.modelling.command.AggregateLifecycle.createNew;

/**
 * A tenant's live session, from its first live signal to its archive. The rules, in order:
 * <ul>
 *     <li>a session opens with the live signal that found the tenant without a current session;</li>
 *     <li>a live signal received before the session's natural end is recorded and moves {@code lastActivityAt}; the
 *     natural end is {@code lastActivityAt + window}, or {@code createdAt + maxLifespan} if that comes first;</li>
 *     <li>a live signal received at or after the natural end finds the session expired: it closes at its natural end,
 *     and the signal opens the tenant's next session;</li>
 *     <li>the session schedules one close-if-inactive deadline at a time, at the end of its window. When it fires and
 *     activity has moved the window on, the session schedules the next one at the new end instead of closing: the
 *     deadline store is written once per window, never once per message;</li>
 *     <li>a session closed by inactivity is closed at {@code lastActivityAt + window}, however late the deadline
 *     fires (after a restart, for instance); one closed by its maximum lifespan at {@code createdAt + maxLifespan};
 *     one closed by hand when asked;</li>
 *     <li>a closed session with auto-cleanup on is archived once idle for the tenant's archive delay, after a notice;
 *     turning auto-cleanup off cancels that, turning it on schedules it again; a notice given for an archive that
 *     will not happen (auto-cleanup off, the session deleted, automatic archiving switched off) is withdrawn;</li>
 *     <li>any session can be deleted (an active one is closed first, with no archive scheduled, as when a cleanup run
 *     archives an active one) and an archived or deleted one restored, as a
 *     closed session whose archive delay starts again: it counts as idle since its restore, for its own archive and
 *     for cleanup runs alike.</li>
 * </ul>
 * Commands that change nothing (closing a closed session, restoring an active one) answer {@code false}.
 * Fields are annotated for the Jackson snapshot of the aggregate. The revision changes whenever they do: Axon then
 * ignores snapshots of another revision and rebuilds the session from its events.
 */
@Aggregate(cache = "liveSessionCache", snapshotTriggerDefinition = "liveSessionSnapshotTrigger")
@Revision("5")
class LiveSession {

    enum Lifecycle { ACTIVE, CLOSED, ARCHIVED, DELETED }

    /** Events the session applies on its own, from its deadlines. */
    private static final MetaData BY_THE_SESSION = MetaData.with("actor", "system");

    @AggregateIdentifier
    @JsonProperty
    private String sessionId;
    @JsonProperty
    private String tenantId;
    @JsonProperty
    private long number;
    @JsonProperty
    private Duration inactivityWindow;
    @JsonProperty
    private Duration maxLifespan;
    @JsonProperty
    private Instant createdAt;
    @JsonProperty
    private Instant lastActivityAt;
    @JsonProperty
    private Lifecycle lifecycle;
    /** When it closed; null while active. */
    @JsonProperty
    private Instant closedAt;
    @JsonProperty
    private boolean autoCleanup;
    @JsonProperty
    private Instant archiveAt;
    /** The archive whose notice was given and stands; an automatic archive never comes without one. */
    @JsonProperty
    private Instant noticedArchiveAt;
    /** When it was last restored; null if never. */
    @JsonProperty
    private Instant restoredAt;

    LiveSession() {
        // for Axon and Jackson
    }

    /**
     * The constructor of a session opened by its predecessor, at {@code opensAt}; the rest of its opening runs once
     * it exists.
     */
    private LiveSession(String sessionId, String tenantId, long number, SessionTerms terms, LiveSignal first,
                        Instant opensAt) {
        announceOpening(sessionId, tenantId, number, terms, first, opensAt);
    }

    // Live signals

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.ALWAYS)
    List<RecordedSignal> handle(OpenLiveSession command, DeadlineManager deadlines, RetentionPolicies retention) {
        LiveSignal first = command.signals().get(0);
        announceOpening(command.sessionId(), command.tenantId(), command.number(), command.terms(), first,
                        first.receivedAt());
        return opened(command.signals(), command.terms(), deadlines, retention);
    }

    @CommandHandler
    List<RecordedSignal> handle(RecordActivity command, DeadlineManager deadlines, RetentionPolicies retention) {
        return record(command.signals(), command.termsOfNextSession(), false, deadlines, retention);
    }

    // Closing

    /** The clock only sets when the archive that follows is announced: the closing time is the session's own. */
    @DeadlineHandler(deadlineName = Deadlines.CLOSE_IF_INACTIVE)
    void on(InactivityDeadline deadline, DeadlineManager deadlines, RetentionPolicies retention, Clock clock) {
        if (lifecycle != Lifecycle.ACTIVE) {
            return;
        }
        if (windowEnd().isAfter(deadline.dueAt())) {
            scheduleInactivityDeadline(deadlines);
        } else {
            close(naturalClosing(), BY_THE_SESSION, clock.instant(), deadlines, retention);
        }
    }

    @DeadlineHandler(deadlineName = Deadlines.MAX_LIFESPAN)
    void on(LifespanDeadline deadline, DeadlineManager deadlines, RetentionPolicies retention, Clock clock) {
        if (lifecycle == Lifecycle.ACTIVE) {
            close(naturalClosing(), BY_THE_SESSION, clock.instant(), deadlines, retention);
        }
    }

    /**
     * Idleness is judged as of the run's start; the archive's notice counts from now, when the run reaches the
     * session, which may be minutes later: it is never shorter than the tenant's notice.
     */
    @CommandHandler
    boolean handle(CloseIfInactive command, DeadlineManager deadlines, RetentionPolicies retention, Clock clock) {
        Instant idleEnough = lastActivityAt.plus(command.inactiveFor());
        if (lifecycle != Lifecycle.ACTIVE || idleEnough.isAfter(command.asOf())) {
            return false;
        }
        close(idleClosing(idleEnough), MetaData.emptyInstance(), clock.instant(), deadlines, retention);
        return true;
    }

    @CommandHandler
    boolean handle(CloseLiveSession command, DeadlineManager deadlines, RetentionPolicies retention) {
        if (lifecycle != Lifecycle.ACTIVE) {
            return false;
        }
        close(closingByHand(command.at()), MetaData.emptyInstance(), command.at(), deadlines, retention);
        return true;
    }

    // Archive, delete, restore

    /**
     * Gives notice of the coming archive and only then schedules it: one deadline at a time. A notice that comes so
     * late (after downtime) that less than half its period is left moves the archive a full period after it; a
     * notice a few seconds late, as deadlines are, keeps the date it announces. An archive is announced once: a
     * second notice deadline for the same date (auto-cleanup switched off and on again, a deadline run twice) does
     * nothing.
     */
    @DeadlineHandler(deadlineName = Deadlines.ARCHIVE_NOTICE)
    void on(ArchiveNoticeDeadline deadline, DeadlineManager deadlines, RetentionPolicies retention, Clock clock) {
        if (!stillScheduled(deadline.archiveAt()) || archiveAt.equals(noticedArchiveAt)
            || cancelledBecauseArchivingIsOff(retention, clock)) {
            return;
        }
        Instant now = clock.instant();
        Duration notice = retention.of(tenantId).archiveNotice();
        if (Duration.between(now, archiveAt).compareTo(notice.dividedBy(2)) < 0) {
            apply(new ArchiveScheduled(sessionId, tenantId, now.plus(notice)), BY_THE_SESSION);
        }
        apply(new ArchiveNoticeIssued(sessionId, tenantId, archiveAt, now), BY_THE_SESSION);
        deadlines.schedule(archiveAt, Deadlines.ARCHIVE, new ArchiveDeadline(archiveAt));
    }

    /**
     * Archives the session, unless its notice was never given: after downtime over both moments, the archive can come
     * before the notice's own deadline. The notice is then given now and the archive moves to a full notice later.
     */
    @DeadlineHandler(deadlineName = Deadlines.ARCHIVE)
    void on(ArchiveDeadline deadline, DeadlineManager deadlines, RetentionPolicies retention, Clock clock) {
        if (!stillScheduled(deadline.archiveAt()) || cancelledBecauseArchivingIsOff(retention, clock)) {
            return;
        }
        Duration notice = retention.of(tenantId).archiveNotice();
        if (notice.compareTo(Duration.ZERO) > 0 && !archiveAt.equals(noticedArchiveAt)) {
            Instant now = clock.instant();
            Instant later = now.plus(notice);
            apply(new ArchiveScheduled(sessionId, tenantId, later), BY_THE_SESSION);
            apply(new ArchiveNoticeIssued(sessionId, tenantId, later, now), BY_THE_SESSION);
            deadlines.schedule(later, Deadlines.ARCHIVE, new ArchiveDeadline(later));
            return;
        }
        apply(new SessionArchived(sessionId, tenantId, archiveAt, ArchiveTrigger.AUTOMATIC), BY_THE_SESSION);
    }

    /**
     * A cleanup run archives a session idle long enough, closing it first if it is still active; but an archive the
     * tenant was told of is left to happen on the date announced, by its own deadline: archived earlier, the notice
     * would have said a date that was not. Once that date has passed (its deadline lost, say), a run archives it.
     */
    @CommandHandler
    boolean handle(ArchiveIfIdle command, DeadlineManager deadlines, RetentionPolicies retention) {
        boolean archivable = lifecycle == Lifecycle.ACTIVE || lifecycle == Lifecycle.CLOSED;
        if (!archivable || !autoCleanup || idleSince().plus(command.idleFor()).isAfter(command.asOf())) {
            return false;
        }
        if (archiveAt != null && archiveAt.equals(noticedArchiveAt) && archiveAt.isAfter(command.asOf())) {
            return false;
        }
        if (lifecycle == Lifecycle.ACTIVE) {
            closeForGood(idleClosing(lastActivityAt.plus(command.idleFor())));
        }
        apply(new SessionArchived(sessionId, tenantId, command.asOf(), ArchiveTrigger.CLEANUP_RUN));
        return true;
    }

    @CommandHandler
    boolean handle(DeleteSession command) {
        if (lifecycle == Lifecycle.DELETED) {
            return false;
        }
        if (lifecycle == Lifecycle.ACTIVE) {
            closeForGood(closingByHand(command.at()));
        }
        callOffTheArchive(new SessionDeleted(sessionId, tenantId, command.at()), command.at(), MetaData.emptyInstance());
        return true;
    }

    @CommandHandler
    boolean handle(RestoreSession command, DeadlineManager deadlines, RetentionPolicies retention) {
        if (lifecycle != Lifecycle.ARCHIVED && lifecycle != Lifecycle.DELETED) {
            return false;
        }
        apply(new SessionRestored(sessionId, tenantId, command.at()));
        scheduleArchive(command.at(), command.at(), MetaData.emptyInstance(), deadlines, retention);
        return true;
    }

    @CommandHandler
    boolean handle(ChangeAutoCleanup command, DeadlineManager deadlines, RetentionPolicies retention) {
        if (autoCleanup == command.enabled()) {
            return false;
        }
        callOffTheArchive(new AutoCleanupChanged(sessionId, tenantId, command.enabled(), command.at()), command.at(),
                          MetaData.emptyInstance());
        if (command.enabled() && lifecycle == Lifecycle.CLOSED) {
            scheduleArchive(idleSince(), command.at(), MetaData.emptyInstance(), deadlines, retention);
        }
        return true;
    }

    // How the rules are carried out

    private static void announceOpening(String sessionId, String tenantId, long number, SessionTerms terms,
                                        LiveSignal first, Instant opensAt) {
        apply(new LiveSessionCreated(sessionId, tenantId, number, terms.inactivityWindow(), opensAt,
                                     terms.autoCleanup(), terms.maxLifespan()), metaDataOf(first));
    }

    private List<RecordedSignal> opened(List<LiveSignal> signals, SessionTerms termsOfNextSession,
                                        DeadlineManager deadlines, RetentionPolicies retention) {
        scheduleInactivityDeadline(deadlines);
        if (maxLifespan != null) {
            Instant lifespanEnd = createdAt.plus(maxLifespan);
            deadlines.schedule(lifespanEnd, Deadlines.MAX_LIFESPAN, new LifespanDeadline(lifespanEnd));
        }
        return record(signals, termsOfNextSession, true, deadlines, retention);
    }

    private List<RecordedSignal> record(List<LiveSignal> signals, SessionTerms termsOfNextSession, boolean opening,
                                        DeadlineManager deadlines, RetentionPolicies retention) {
        List<RecordedSignal> recorded = new ArrayList<>(signals.size());
        for (int i = 0; i < signals.size(); i++) {
            LiveSignal signal = signals.get(i);
            if (lifecycle != Lifecycle.ACTIVE || !signal.receivedAt().isBefore(naturalEnd())) {
                recorded.addAll(closeAndOpenNext(signals.subList(i, signals.size()), termsOfNextSession, deadlines,
                                                 retention));
                return recorded;
            }
            apply(new ActivityRecorded(sessionId, tenantId, signal.messageId(), signal.source(), signal.code(),
                                       signal.sentAt(), signal.receivedAt()), metaDataOf(signal));
            recorded.add(new RecordedSignal(signal.messageId(), sessionId, opening && i == 0));
        }
        return recorded;
    }

    private List<RecordedSignal> closeAndOpenNext(List<LiveSignal> signals, SessionTerms terms,
                                                  DeadlineManager deadlines, RetentionPolicies retention) {
        LiveSignal first = signals.get(0);
        if (lifecycle == Lifecycle.ACTIVE) {
            close(naturalClosing(), metaDataOf(first), first.receivedAt(), deadlines, retention);
        }
        // A signal received before this session closed, but stored after (it waited in the write queue while the
        // closure ran), opens the next session when this one closed: a tenant's sessions never overlap.
        Instant opensAt = first.receivedAt().isBefore(closedAt) ? closedAt : first.receivedAt();
        long nextNumber = number + 1;
        return createNextSession(() -> new LiveSession(SessionIds.of(tenantId, nextNumber), tenantId, nextNumber,
                                                       terms, first, opensAt))
                .invoke(next -> next.opened(signals, terms, deadlines, retention));
    }

    private static org.axonframework.modelling.command.Aggregate<LiveSession> createNextSession(
            Callable<LiveSession> constructor) {
        try {
            return createNew(LiveSession.class, constructor);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("Could not open the next live session", e);
        }
    }

    /** When a session closes, and why. */
    private record Closing(Instant at, CloseReason reason) {
    }

    /** At the end the session reached first: its inactivity window or its maximum lifespan. */
    private Closing naturalClosing() {
        Instant end = naturalEnd();
        return new Closing(end, end.equals(windowEnd()) ? CloseReason.INACTIVITY : CloseReason.MAX_LIFESPAN);
    }

    /**
     * As a cleanup that found the session idle since {@code idleEnough}: at its natural end if that came first, else
     * then (a window longer than the cleanup's threshold never puts the closing time in the future), closed by the
     * run rather than by its window.
     */
    private Closing idleClosing(Instant idleEnough) {
        return naturalEnd().isAfter(idleEnough) ? new Closing(idleEnough, CloseReason.MANUAL) : naturalClosing();
    }

    /**
     * When asked, or at its natural end if that has passed already (its closing deadline had not run yet): a session
     * was over once its window ended, whoever notices.
     */
    private Closing closingByHand(Instant at) {
        if (!naturalEnd().isAfter(at)) {
            return naturalClosing();
        }
        return new Closing(at.isBefore(lastActivityAt) ? lastActivityAt : at, CloseReason.MANUAL);
    }

    /**
     * Closes the session and schedules its archive. {@code now} is when this happens, which may be later than the
     * closing time (after a restart): the archive's notice counts from it.
     */
    private void close(Closing closing, MetaData metaData, Instant now, DeadlineManager deadlines,
                       RetentionPolicies retention) {
        apply(new LiveSessionClosed(sessionId, tenantId, closing.at(), closing.reason()), metaData);
        scheduleArchive(lastActivityAt, now, metaData, deadlines, retention);
    }

    /** Closes a session that is archived or deleted in the same command: it has no archive to schedule. */
    private void closeForGood(Closing closing) {
        apply(new LiveSessionClosed(sessionId, tenantId, closing.at(), closing.reason()));
    }

    private void scheduleArchive(Instant idleSince, Instant now, MetaData metaData, DeadlineManager deadlines,
                                 RetentionPolicies retention) {
        RetentionPolicy policy = retention.of(tenantId);
        if (!autoCleanup || !policy.automaticArchiving()) {
            return;
        }
        Instant at = policy.archiveAt(idleSince, now);
        apply(new ArchiveScheduled(sessionId, tenantId, at), metaData);
        if (policy.archiveNotice().compareTo(Duration.ZERO) > 0) {
            // The archive itself is scheduled by its notice: a closing session writes one deadline, not two.
            Instant noticeAt = at.minus(policy.archiveNotice());
            deadlines.schedule(noticeAt, Deadlines.ARCHIVE_NOTICE, new ArchiveNoticeDeadline(at, noticeAt));
        } else {
            deadlines.schedule(at, Deadlines.ARCHIVE, new ArchiveDeadline(at));
        }
    }

    /**
     * An archive scheduled before automatic archiving was switched off neither gives notice nor happens when it falls
     * due: the session forgets it.
     */
    private boolean cancelledBecauseArchivingIsOff(RetentionPolicies retention, Clock clock) {
        if (retention.of(tenantId).automaticArchiving()) {
            return false;
        }
        Instant now = clock.instant();
        callOffTheArchive(new ArchiveCancelled(sessionId, tenantId, now), now, BY_THE_SESSION);
        return true;
    }

    /**
     * Applies an event that calls off the scheduled archive (its handler forgets {@code archiveAt}). A tenant told of
     * that archive is told that it will not happen, as it was told that it would.
     */
    private void callOffTheArchive(Object event, Instant now, MetaData metaData) {
        Instant announced = archiveAt;
        apply(event, metaData);
        if (announced != null && announced.equals(noticedArchiveAt)) {
            apply(new ArchiveNoticeWithdrawn(sessionId, tenantId, announced, now), metaData);
        }
    }

    /** Since when the session counts as idle for its archive: its last activity, or its restore if that came later. */
    private Instant idleSince() {
        return restoredAt != null && restoredAt.isAfter(lastActivityAt) ? restoredAt : lastActivityAt;
    }

    /** An archive deadline or notice still holds if nothing moved or cancelled the archive since it was set. */
    private boolean stillScheduled(Instant scheduledArchive) {
        return lifecycle == Lifecycle.CLOSED && autoCleanup && scheduledArchive.equals(archiveAt);
    }

    private void scheduleInactivityDeadline(DeadlineManager deadlines) {
        deadlines.schedule(windowEnd(), Deadlines.CLOSE_IF_INACTIVE, new InactivityDeadline(windowEnd()));
    }

    private Instant windowEnd() {
        return lastActivityAt.plus(inactivityWindow);
    }

    private Instant naturalEnd() {
        if (maxLifespan == null) {
            return windowEnd();
        }
        Instant lifespanEnd = createdAt.plus(maxLifespan);
        return lifespanEnd.isBefore(windowEnd()) ? lifespanEnd : windowEnd();
    }

    private static MetaData metaDataOf(LiveSignal signal) {
        return MetaData.with("correlationId", signal.correlationId())
                       .and("providerMessageId", signal.messageId());
    }

    // State, from the events

    @EventSourcingHandler
    void on(LiveSessionCreated event) {
        sessionId = event.sessionId();
        tenantId = event.tenantId();
        number = event.number();
        inactivityWindow = event.inactivityWindow();
        maxLifespan = event.maxLifespan();
        createdAt = event.createdAt();
        lastActivityAt = event.createdAt();
        lifecycle = Lifecycle.ACTIVE;
        autoCleanup = event.autoCleanup();
    }

    @EventSourcingHandler
    void on(ActivityRecorded event) {
        // Signals can reach the store a few microseconds out of their arrival order; activity never moves back.
        if (event.at().isAfter(lastActivityAt)) {
            lastActivityAt = event.at();
        }
    }

    @EventSourcingHandler
    void on(LiveSessionClosed event) {
        lifecycle = Lifecycle.CLOSED;
        closedAt = event.closedAt();
    }

    @EventSourcingHandler
    void on(ArchiveScheduled event) {
        archiveAt = event.archiveAt();
    }

    @EventSourcingHandler
    void on(ArchiveCancelled event) {
        archiveAt = null;
    }

    @EventSourcingHandler
    void on(ArchiveNoticeIssued event) {
        noticedArchiveAt = event.archiveAt();
    }

    @EventSourcingHandler
    void on(ArchiveNoticeWithdrawn event) {
        noticedArchiveAt = null;
    }

    @EventSourcingHandler
    void on(AutoCleanupChanged event) {
        autoCleanup = event.enabled();
        archiveAt = null;
    }

    @EventSourcingHandler
    void on(SessionArchived event) {
        lifecycle = Lifecycle.ARCHIVED;
        archiveAt = null;
    }

    @EventSourcingHandler
    void on(SessionDeleted event) {
        lifecycle = Lifecycle.DELETED;
        archiveAt = null;
    }

    @EventSourcingHandler
    void on(SessionRestored event) {
        lifecycle = Lifecycle.CLOSED;
        restoredAt = event.restoredAt();
    }
}
