package dev.livesessions.session;

import dev.livesessions.LiveSessionsProperties;
import dev.livesessions.tenant.TenantDirectory;
import org.springframework.stereotype.Component;

/** Retention from the tenant registry: the tenant's own settings, or the global ones it does not override. */
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
        return tenants.find(tenantId)
                      .map(tenant -> new RetentionPolicy(tenant.automaticArchiving(), tenant.archiveAfter(),
                                                         tenant.archiveNotice()))
                      .orElseGet(() -> new RetentionPolicy(cleanup.enabled(), cleanup.archiveAfter(),
                                                           cleanup.archiveNotice()));
    }
}
