package dev.livesessions.tenant;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A tenant as clients read it. Settings left to the global defaults read null.
 *
 * @param sellerPhones     normalized: digits only for phones, lower-case for handles, digits then @lid for linked ids
 * @param webhookSecretSet whether a generic webhook secret is set (the secret itself is never shown)
 */
record TenantResponse(String id, String name, List<String> sellerPhones, Duration inactivityWindow,
                      String codePattern, String whatsappPhoneNumberId, Integer archiveAfterDays,
                      Boolean autoCleanupDefault, String notificationUrl, Duration maxLifespan,
                      Boolean automaticArchiving, Duration archiveNotice, boolean webhookSecretSet, Instant createdAt,
                      Instant updatedAt) {

    /**
     * The entity tag of this version of the tenant, for {@code If-Match}: its change time, which moves with every
     * change (and only then).
     */
    String entityTag() {
        return "\"" + updatedAt + "\"";
    }

    static TenantResponse of(Tenant tenant) {
        TenantFields fields = tenant.fields();
        return new TenantResponse(tenant.id(), fields.name(), fields.sellerPhones().stream().sorted().toList(),
                                  fields.inactivityWindow(), fields.codePattern(), fields.whatsappPhoneNumberId(),
                                  fields.archiveAfterDays(), fields.autoCleanupDefault(), fields.notificationUrl(),
                                  fields.maxLifespan(), fields.automaticArchiving(), fields.archiveNotice(),
                                  tenant.webhookSecret() != null, tenant.createdAt(), tenant.updatedAt());
    }
}
