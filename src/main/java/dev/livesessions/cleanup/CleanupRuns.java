package dev.livesessions.cleanup;

import dev.livesessions.LiveSessionsProperties;
import dev.livesessions.api.ArchiveIfIdle;
import dev.livesessions.api.CleanupAction;
import dev.livesessions.api.CleanupCandidates;
import dev.livesessions.api.CloseIfInactive;
import dev.livesessions.api.FindCleanupCandidates;
import dev.livesessions.tenant.TenantDirectory;
import dev.livesessions.tenant.TenantSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.queryhandling.QueryGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.data.domain.PageRequest;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;

/**
 * Runs a cleanup: close the active sessions idle for {@code inactiveHours}, then archive the sessions with auto-cleanup
 * on idle for {@code deleteDays}. Candidates come from the read model in batches; each one gets a command, and the
 * session decides on its own state (so a candidate that moved on meanwhile is left alone, and two runs at once, on
 * one node or several, do each thing once). A dry run only reports. Items and progress are stored after each batch.
 */
@Service
class CleanupRuns {

    private static final Logger logger = LoggerFactory.getLogger(CleanupRuns.class);
    /** The session-cleanup guide's default threshold, unless SESSION_INACTIVE_HOURS says otherwise. */
    static final int DEFAULT_INACTIVE_HOURS = 24;
    /** A run saves its progress after each batch, and within a batch at least this often. */
    static final Duration SAVE_PROGRESS_EVERY = Duration.ofSeconds(10);

    private final CleanupRunRepository runs;
    private final CleanupRunItemRepository items;
    private final QueryGateway queries;
    private final SessionCommands commands;
    private final TransactionTemplate transactions;
    private final MeterRegistry meters;
    private final Clock clock;
    private final LiveSessionsProperties.Cleanup settings;
    private final int defaultInactiveHours;
    private final TenantDirectory tenants;

    CleanupRuns(CleanupRunRepository runs, CleanupRunItemRepository items, QueryGateway queries,
                SessionCommands commands, TransactionTemplate transactions, MeterRegistry meters, Clock clock,
                LiveSessionsProperties properties, TenantDirectory tenants) {
        this.runs = runs;
        this.items = items;
        this.queries = queries;
        this.commands = commands;
        this.transactions = transactions;
        this.meters = meters;
        this.clock = clock;
        this.settings = properties.cleanup();
        this.defaultInactiveHours = properties.inactiveHours() != null ? properties.inactiveHours()
                                                                       : DEFAULT_INACTIVE_HOURS;
        this.tenants = tenants;
        // Present from the start at zero, so that the first failure is an increase an alert can see.
        for (CleanupRun.Status status : List.of(CleanupRun.Status.SUCCEEDED, CleanupRun.Status.FAILED)) {
            for (boolean dryRun : new boolean[] {false, true}) {
                runCounter(status, dryRun);
            }
        }
    }

    private Counter runCounter(CleanupRun.Status status, boolean dryRun) {
        return Counter.builder("live_sessions.cleanup.runs").description("Cleanup runs, by how they ended")
                      .tag("status", status.name().toLowerCase()).tag("dry_run", String.valueOf(dryRun))
                      .register(meters);
    }

    /**
     * Runs the cleanup, or answers the run already made with the request's id.
     *
     * @throws RunAskedOtherwise when the run with that id was asked with other parameters (a dry run, then the real
     *                           one, under one id): answering the first would look like the second was done
     */
    CleanupRunView run(CleanupRunRequest request, String actor) {
        UUID id = request.id() != null ? request.id() : UUID.randomUUID();
        CleanupRun run = new CleanupRun(id, clock.instant(), actor, request,
                                        request.inactiveHours() != null ? request.inactiveHours()
                                                                        : defaultInactiveHours,
                                        request.deleteDays() != null ? request.deleteDays()
                                                                     : defaultDeleteDays(request.tenantId()));
        Optional<CleanupRun> existing = runs.findById(id);
        if (existing.isEmpty() && !inserted(run)) {
            // A request with the same id inserted it a moment ago: the client sent it twice at once.
            existing = runs.findById(id);
        }
        if (existing.isPresent()) {
            if (!existing.get().askedLike(run)) {
                throw new RunAskedOtherwise(id);
            }
            // A run abandoned by its node is answered as it is: a new run is what finishes the cleanup.
            return withItems(existing.get());
        }
        // What was done to each session since the run was last saved: saved with the run, never apart from its counts.
        List<CleanupRunItem> unsaved = new ArrayList<>();
        try {
            Instant asOf = clock.instant();
            Duration inactiveFor = Duration.ofHours(run.inactiveHours());
            process(run, unsaved, CleanupAction.CLOSE, run.tenantId(), Set.of(), asOf, asOf.minus(inactiveFor), actor,
                    sessionId -> new CloseIfInactive(sessionId, asOf, inactiveFor));
            if (run.tenantsOwnDelays()) {
                // Over every tenant, each tenant's sessions are archived after that tenant's own delay.
                Map<String, Integer> ownDays = new TreeMap<>();
                tenants.ownArchiveDelays().forEach((tenantId, delay) -> ownDays.put(tenantId, wholeDays(delay)));
                archive(run, unsaved, null, ownDays.keySet(), run.deleteDays(), asOf, actor);
                ownDays.forEach((tenantId, days) -> archive(run, unsaved, tenantId, Set.of(), days, asOf, actor));
            } else {
                archive(run, unsaved, run.tenantId(), Set.of(), run.deleteDays(), asOf, actor);
            }
            run.finish(clock.instant());
        } catch (RuntimeException e) {
            logger.error("Cleanup run {} failed", id, e);
            run.abort(clock.instant(), e.getMessage() == null ? e.getClass().getName() : e.getMessage());
        }
        try {
            save(run, unsaved);
        } catch (RuntimeException e) {
            // The database went as the run ended: it stays RUNNING, shown as abandoned in time, and counted here as
            // failed, so that the alert on failed runs fires.
            runCounter(CleanupRun.Status.FAILED, run.dryRun()).increment();
            throw e;
        }
        runCounter(run.status(), run.dryRun()).increment();
        return withItems(run);
    }

    static class RunAskedOtherwise extends RuntimeException {

        RunAskedOtherwise(UUID id) {
            super("Cleanup run " + id + " was asked with other parameters; give this request an id of its own");
        }
    }

    Optional<CleanupRunView> find(UUID id, boolean withItems) {
        return runs.findById(id).map(withItems ? this::withItems : this::withoutItems);
    }

    List<CleanupRunView> recent(int limit) {
        return runs.findByOrderByRequestedAtDesc(PageRequest.of(0, limit)).stream().map(this::withoutItems).toList();
    }

    private void archive(CleanupRun run, List<CleanupRunItem> unsaved, String tenantId, Set<String> exceptTenants,
                         int days, Instant asOf, String actor) {
        Duration idleFor = Duration.ofDays(days);
        process(run, unsaved, CleanupAction.ARCHIVE, tenantId, exceptTenants, asOf, asOf.minus(idleFor), actor,
                sessionId -> new ArchiveIfIdle(sessionId, asOf, idleFor));
    }

    private void process(CleanupRun run, List<CleanupRunItem> unsaved, CleanupAction action, String tenantId,
                         Set<String> exceptTenants, Instant asOf, Instant idleBefore, String actor,
                         Function<String, Object> command) {
        String after = null;
        boolean first = true;
        while (true) {
            CleanupCandidates batch = queries.query(
                    new FindCleanupCandidates(tenantId, exceptTenants, action, asOf, idleBefore, after,
                                              settings.runBatchSize()),
                    CleanupCandidates.class).join();
            if (batch.replaying()) {
                throw new IllegalStateException("A replay is rebuilding the read models, which the run finds its "
                                                + "sessions in: run the cleanup again once the replay has ended");
            }
            if (first) {
                run.expect(batch.total());
                first = false;
            }
            if (batch.sessionIds().isEmpty()) {
                return;
            }
            for (String sessionId : batch.sessionIds()) {
                unsaved.add(act(run, action, sessionId, actor, command));
                Instant now = clock.instant();
                if (run.progressedBefore(now.minus(SAVE_PROGRESS_EVERY))) {
                    // A long batch still shows its node at work, well within run-abandoned-after (1 minute or more).
                    run.progressed(now);
                    save(run, unsaved);
                }
            }
            run.progressed(clock.instant());
            save(run, unsaved);
            after = batch.sessionIds().get(batch.sessionIds().size() - 1);
        }
    }

    private CleanupRunItem act(CleanupRun run, CleanupAction action, String sessionId, String actor,
                               Function<String, Object> command) {
        CleanupRunItem.Outcome outcome;
        String detail = null;
        if (run.dryRun()) {
            outcome = CleanupRunItem.Outcome.WOULD_DO;
        } else {
            try {
                outcome = commands.send(command.apply(sessionId), actor)
                        ? CleanupRunItem.Outcome.DONE : CleanupRunItem.Outcome.UNCHANGED;
            } catch (RuntimeException e) {
                logger.warn("Cleanup run {} could not {} session {}", run.getId(), action, sessionId, e);
                outcome = CleanupRunItem.Outcome.FAILED;
                detail = e.getMessage();
            }
        }
        run.count(outcome, action);
        return new CleanupRunItem(run.getId(), sessionId, action, outcome, detail);
    }

    /**
     * The delay a run records: the tenant's own for a run limited to it, else the global one (a run over every tenant
     * archives the sessions of tenants with a delay of their own after that delay).
     */
    private int defaultDeleteDays(String tenantId) {
        Duration archiveAfter = tenantId == null ? settings.archiveAfter()
                : tenants.find(tenantId).map(TenantSettings::archiveAfter).orElse(settings.archiveAfter());
        return wholeDays(archiveAfter);
    }

    /**
     * A run counts idleness in whole days, as a request does (at least one): a delay that is not a whole number of
     * days is rounded up, so that a run never archives a session the automatic archiving would still leave alone. (A
     * delay of hours rounded down would be zero days: every session with auto-cleanup, lives in progress included.)
     */
    static int wholeDays(Duration archiveAfter) {
        long days = archiveAfter.toDays() + (archiveAfter.minusDays(archiveAfter.toDays()).isZero() ? 0 : 1);
        return (int) Math.max(days, 1);
    }

    private void save(CleanupRun run) {
        transactions.executeWithoutResult(status -> runs.save(run));
    }

    /**
     * Saves the run with the items of the sessions it counted since it was last saved, in one transaction: should it
     * fail (the database lost for a moment), the items are saved with the run's next save, the one of its failure.
     */
    private void save(CleanupRun run, List<CleanupRunItem> unsaved) {
        transactions.executeWithoutResult(status -> {
            items.saveAll(unsaved.stream().map(CleanupRunItem::asNewRow).toList());
            runs.save(run);
        });
        unsaved.clear();
    }

    /** @return false when a run with that id was stored first */
    private boolean inserted(CleanupRun run) {
        try {
            save(run);
            return true;
        } catch (DataIntegrityViolationException sameIdStoredFirst) {
            return false;
        }
    }

    private CleanupRunView withoutItems(CleanupRun run) {
        return run.view(List.of(), abandonedBefore());
    }

    private CleanupRunView withItems(CleanupRun run) {
        return run.view(items.findByRunIdOrderById(run.getId()).stream().map(CleanupRunItem::view).toList(),
                        abandonedBefore());
    }

    /** A batch takes seconds: a run that saved no progress for much longer than that lost its node. */
    private Instant abandonedBefore() {
        return clock.instant().minus(settings.runAbandonedAfter());
    }
}
