package dev.livesessions.tenant;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.livesessions.LiveSessionsProperties;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Tenants' settings for the ingestion path, read through a short-lived cache: every message needs them, and they
 * change rarely. A change made on this node is visible at once; one made on another node within the cache's TTL.
 * Only tenants that exist are cached: a tenant created on any node is found by the very next message.
 */
@Component
public class TenantDirectory {

    private final TenantRepository tenants;
    private final LiveSessionsProperties properties;
    private final Pattern defaultCodePattern;
    private final LoadingCache<String, TenantSettings> cache;
    private final LoadingCache<String, String> tenantIdsByWhatsAppNumber;

    TenantDirectory(TenantRepository tenants, LiveSessionsProperties properties) {
        this.tenants = tenants;
        this.properties = properties;
        this.defaultCodePattern = Pattern.compile(properties.signals().codePattern());
        this.cache = Caffeine.newBuilder()
                             .maximumSize(100_000)
                             .expireAfterWrite(properties.tenants().cacheTtl())
                             .build(this::load);
        this.tenantIdsByWhatsAppNumber = Caffeine.newBuilder()
                .maximumSize(100_000)
                .expireAfterWrite(properties.tenants().cacheTtl())
                .build(phoneNumberId -> tenants.findByWhatsappPhoneNumberId(phoneNumberId).map(Tenant::id)
                                               .orElse(null));
    }

    public Optional<TenantSettings> find(String tenantId) {
        return Optional.ofNullable(cache.get(tenantId));
    }

    /** The tenant whose WhatsApp number has this {@code phone_number_id}. */
    public Optional<TenantSettings> findByWhatsAppNumber(String phoneNumberId) {
        return Optional.ofNullable(tenantIdsByWhatsAppNumber.get(phoneNumberId)).flatMap(this::find);
    }

    void forget(String tenantId) {
        cache.invalidate(tenantId);
        tenantIdsByWhatsAppNumber.invalidateAll();
    }

    /** @return the tenant's settings, or null (not cached) when there is no such tenant */
    private TenantSettings load(String tenantId) {
        return tenants.findById(tenantId).map(tenant -> {
            TenantFields fields = tenant.fields();
            LiveSessionsProperties.Cleanup cleanup = properties.cleanup();
            return new TenantSettings(
                    tenant.id(),
                    fields.sellerPhones(),
                    fields.inactivityWindow() != null ? fields.inactivityWindow()
                                                      : properties.defaultInactivityWindow(),
                    fields.codePattern() != null ? Pattern.compile(fields.codePattern()) : defaultCodePattern,
                    tenant.webhookSecret(),
                    fields.archiveAfterDays() != null ? Duration.ofDays(fields.archiveAfterDays())
                                                      : cleanup.archiveAfter(),
                    fields.autoCleanupDefault() != null ? fields.autoCleanupDefault() : cleanup.autoCleanupDefault(),
                    fields.notificationUrl(),
                    fields.maxLifespan() != null ? fields.maxLifespan() : properties.maxLifespan(),
                    fields.automaticArchiving() != null ? fields.automaticArchiving() : cleanup.enabled(),
                    fields.archiveNotice() != null ? fields.archiveNotice() : cleanup.archiveNotice());
        }).orElse(null);
    }
}
