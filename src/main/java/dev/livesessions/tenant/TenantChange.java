package dev.livesessions.tenant;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** One change to a tenant: when, by whom and which fields. Values of secrets are never recorded. */
@Entity
@Table(name = "tenant_change")
class TenantChange {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    private String tenantId;
    private Instant changedAt;
    private String actor;
    private String change;

    protected TenantChange() {
        // for JPA
    }

    TenantChange(String tenantId, Instant changedAt, String actor, String change) {
        this.tenantId = tenantId;
        this.changedAt = changedAt;
        this.actor = actor;
        this.change = change;
    }

    record View(Instant changedAt, String actor, String change) {
    }

    View view() {
        return new View(changedAt, actor, change);
    }
}
