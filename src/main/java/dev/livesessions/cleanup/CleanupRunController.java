package dev.livesessions.cleanup;

import dev.livesessions.security.Caller;
import dev.livesessions.tenant.TenantDirectory;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import java.net.URI;
import java.util.List;
import java.util.UUID;

/** Cleanup runs: start one (it answers when done, with what it did), follow it, list the recent ones. */
@RestController
class CleanupRunController {

    private final CleanupRuns cleanupRuns;
    private final TenantDirectory tenants;

    CleanupRunController(CleanupRuns cleanupRuns, TenantDirectory tenants) {
        this.cleanupRuns = cleanupRuns;
        this.tenants = tenants;
    }

    /** A run for a tenant that does not exist (a typo in a crontab) is refused, rather than succeeding at nothing. */
    @PostMapping("/api/cleanup-runs")
    ResponseEntity<CleanupRunView> run(@Valid @RequestBody CleanupRunRequest request, Caller caller) {
        if (request.tenantId() != null && tenants.find(request.tenantId()).isEmpty()) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No tenant '" + request.tenantId() + "'");
        }
        CleanupRunView run = cleanupRuns.run(request, caller.name());
        return ResponseEntity.created(URI.create("/api/cleanup-runs/" + run.id())).body(run);
    }

    @ExceptionHandler(CleanupRuns.RunAskedOtherwise.class)
    ProblemDetail askedOtherwise(CleanupRuns.RunAskedOtherwise conflict) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, conflict.getMessage());
    }

    @GetMapping("/api/cleanup-runs")
    List<CleanupRunView> recent(@RequestParam(defaultValue = "20") @Min(1) @Max(200) int limit) {
        return cleanupRuns.recent(limit);
    }

    /** The run with what it did to each session, or without ({@code items=false}: its progress, read often). */
    @GetMapping("/api/cleanup-runs/{id}")
    CleanupRunView one(@PathVariable UUID id, @RequestParam(defaultValue = "true") boolean items) {
        return cleanupRuns.find(id, items).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
                                                                                         "No cleanup run " + id));
    }
}
