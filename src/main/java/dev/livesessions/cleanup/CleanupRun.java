package dev.livesessions.cleanup;

import dev.livesessions.api.CleanupAction;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.PostLoad;
import jakarta.persistence.PostPersist;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import org.springframework.data.domain.Persistable;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The stored record of a cleanup run: what it was asked and how far it got. A run's node saves its progress after
 * each batch, and every few seconds within one; a run still RUNNING that has not progressed for a while is shown as
 * {@value #ABANDONED}: its node stopped during the run, and nothing will finish it.
 */
@Entity
@Table(name = "cleanup_run")
class CleanupRun implements Persistable<UUID> {

    enum Status { RUNNING, SUCCEEDED, FAILED }

    /** The status shown, never stored, for a RUNNING run whose progress stopped. */
    static final String ABANDONED = "ABANDONED";

    @Id
    private UUID id;
    private Instant requestedAt;
    private Instant finishedAt;
    private Instant progressedAt;
    private String actor;
    private String tenantId;
    private int inactiveHours;
    private int deleteDays;
    /**
     * Over every tenant, asked without a delay: each tenant's sessions are archived after that tenant's own. Null for
     * runs stored before this was recorded.
     */
    private Boolean tenantsOwnDelays;
    /** Whether the request gave {@code inactiveHours}, rather than leave it to the default; null before V26. */
    private Boolean inactiveHoursGiven;
    /** Whether the request gave {@code deleteDays}, rather than leave it to the default; null before V26. */
    private Boolean deleteDaysGiven;
    private boolean dryRun;
    @Enumerated(EnumType.STRING)
    private Status status;
    private long total;
    private long processed;
    private long closed;
    private long archived;
    private long unchanged;
    private long failed;
    private String failure;
    /**
     * Whether this run is in the table. A run made here is inserted by its first save, which fails if a request with
     * the same id stored its run first, even if that one committed already; an entity with its own id would
     * otherwise be merged, and the second request would overwrite the first's run and carry it out again.
     */
    @Transient
    private boolean stored;

    protected CleanupRun() {
        // for JPA
    }

    /**
     * @param inactiveHours the request's, or the default
     * @param deleteDays    the request's, or the default for its tenant (or all)
     */
    CleanupRun(UUID id, Instant requestedAt, String actor, CleanupRunRequest request, int inactiveHours,
               int deleteDays) {
        this.id = id;
        this.requestedAt = requestedAt;
        this.actor = actor;
        this.tenantId = request.tenantId();
        this.inactiveHours = inactiveHours;
        this.deleteDays = deleteDays;
        this.tenantsOwnDelays = request.tenantId() == null && request.deleteDays() == null;
        this.inactiveHoursGiven = request.inactiveHours() != null;
        this.deleteDaysGiven = request.deleteDays() != null;
        this.dryRun = Boolean.TRUE.equals(request.dryRun());
        this.status = Status.RUNNING;
        this.progressedAt = requestedAt;
    }

    /**
     * Whether {@code other}, a run just asked for, asks for this one: the same tenant (or all) and dry run, the same
     * thresholds given and the same ones left to the defaults. A default may have changed since (a tenant's delay, a
     * node's inactivity): a retry that leaves a threshold out again is still the same request.
     */
    boolean askedLike(CleanupRun other) {
        return Objects.equals(tenantId, other.tenantId) && dryRun == other.dryRun
               && sameThreshold(inactiveHoursGiven, inactiveHours, other.inactiveHoursGiven, other.inactiveHours)
               && sameThreshold(deleteDaysGiven, deleteDays, other.deleteDaysGiven, other.deleteDays)
               && (tenantsOwnDelays == null || other.tenantsOwnDelays == null
                   || tenantsOwnDelays.equals(other.tenantsOwnDelays));
    }

    /**
     * A run stored before V26 cannot tell what was given: a threshold left out matches it, one given must be the one
     * it took.
     */
    private static boolean sameThreshold(Boolean given, int value, boolean otherGiven, int otherValue) {
        if (given == null) {
            return !otherGiven || value == otherValue;
        }
        return given == otherGiven && (!given || value == otherValue);
    }

    void expect(long sessions) {
        total += sessions;
    }

    void count(CleanupRunItem.Outcome outcome, CleanupAction action) {
        processed++;
        switch (outcome) {
            case DONE, WOULD_DO -> {
                if (action == CleanupAction.CLOSE) {
                    closed++;
                } else {
                    archived++;
                }
            }
            case UNCHANGED -> unchanged++;
            case FAILED -> failed++;
        }
    }

    /** Its node is still at it: its progress is about to be saved. */
    void progressed(Instant at) {
        progressedAt = at;
    }

    boolean progressedBefore(Instant at) {
        return progressedAt.isBefore(at);
    }

    void finish(Instant at) {
        finishedAt = at;
        progressedAt = at;
        status = failed == 0 ? Status.SUCCEEDED : Status.FAILED;
        if (failed > 0) {
            failure = failed + " session(s) could not be cleaned up; see the items";
        }
    }

    void abort(Instant at, String reason) {
        finishedAt = at;
        progressedAt = at;
        status = Status.FAILED;
        failure = reason;
    }

    @Override
    public UUID getId() {
        return id;
    }

    @Override
    public boolean isNew() {
        return !stored;
    }

    @PostLoad
    @PostPersist
    void markStored() {
        stored = true;
    }

    String tenantId() {
        return tenantId;
    }

    int inactiveHours() {
        return inactiveHours;
    }

    int deleteDays() {
        return deleteDays;
    }

    boolean tenantsOwnDelays() {
        return Boolean.TRUE.equals(tenantsOwnDelays);
    }

    boolean dryRun() {
        return dryRun;
    }

    Instant requestedAt() {
        return requestedAt;
    }

    Status status() {
        return status;
    }

    /** @param abandonedBefore a RUNNING run with no progress since before this is shown as {@value #ABANDONED} */
    CleanupRunView view(List<CleanupRunView.Item> items, Instant abandonedBefore) {
        boolean abandoned = status == Status.RUNNING && progressedBefore(abandonedBefore);
        return new CleanupRunView(id, requestedAt, finishedAt, progressedAt, actor, tenantId, inactiveHours,
                                  deleteDays, tenantsOwnDelays, dryRun, abandoned ? ABANDONED : status.name(), total,
                                  processed, closed,
                                  archived, unchanged, failed,
                                  abandoned ? "No progress since " + progressedAt + ": the node running it stopped, "
                                              + "or could not store its end. Start a new run (with another id) to "
                                              + "finish the cleanup" : failure,
                                  items);
    }
}
