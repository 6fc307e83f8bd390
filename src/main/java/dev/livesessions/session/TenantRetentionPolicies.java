package dev.livesessions.session;

import dev.livesessions.LiveSessionsProperties;
import dev.livesessions.tenant.TenantDirectory;
import org.springframework.stereotype.Component;

/** Retention from the tenant registry (its archive delay) and the global settings (switch and notice). */
@Component
class TenantRetentionPolicies implements RetentionPolicies {

    private final TenantDirectory tenants;
    private final LiveSessionsProperties.Cleanup cleanup;

    TenantRetentionPolicies(TenantDirectory tenants, LiveSessionsProperties properties) {
        this.tenants = tenants;
        this.cleanup = properties.cleanup();
    }

    @Override
    public RetentionPolicy of(String tenantId) {
        return new RetentionPolicy(cleanup.enabled(),
                                   tenants.find(tenantId).map(tenant -> tenant.archiveAfter())
                                          .orElse(cleanup.archiveAfter()),
                                   cleanup.archiveNotice());
    }
}
