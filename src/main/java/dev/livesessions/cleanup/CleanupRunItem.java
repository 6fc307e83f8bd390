package dev.livesessions.cleanup;

import dev.livesessions.api.CleanupAction;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.util.UUID;

/** What a cleanup run did, or would do, to one session. */
@Entity
@Table(name = "cleanup_run_item")
class CleanupRunItem {

    enum Outcome {
        /** The session was closed or archived. */
        DONE,
        /** A dry run: the session would have been. */
        WOULD_DO,
        /** The session had changed since the read model saw it, and did not qualify any more. */
        UNCHANGED,
        FAILED
    }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    private UUID runId;
    private String sessionId;
    @Enumerated(EnumType.STRING)
    private CleanupAction action;
    @Enumerated(EnumType.STRING)
    private Outcome outcome;
    private String detail;

    protected CleanupRunItem() {
        // for JPA
    }

    CleanupRunItem(UUID runId, String sessionId, CleanupAction action, Outcome outcome, String detail) {
        this.runId = runId;
        this.sessionId = sessionId;
        this.action = action;
        this.outcome = outcome;
        this.detail = detail;
    }

    /** The same item, as a row to insert: one whose insert was rolled back keeps the id it was given then. */
    CleanupRunItem asNewRow() {
        return new CleanupRunItem(runId, sessionId, action, outcome, detail);
    }

    CleanupRunView.Item view() {
        return new CleanupRunView.Item(sessionId, action, outcome.name(), detail);
    }
}
