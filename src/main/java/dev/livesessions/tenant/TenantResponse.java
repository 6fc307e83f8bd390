package dev.livesessions.tenant;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A tenant as clients read it.
 *
 * @param sellerPhones     normalized: digits only for phones, lower-case for handles
 * @param inactivityWindow the tenant's override, or null when it uses the global window
 * @param webhookSecretSet whether a generic webhook secret is set (the secret itself is never shown)
 */
record TenantResponse(String id, String name, List<String> sellerPhones, Duration inactivityWindow,
                      String codePattern, String whatsappPhoneNumberId, boolean webhookSecretSet, Instant createdAt,
                      Instant updatedAt) {

    static TenantResponse of(Tenant tenant) {
        return new TenantResponse(tenant.id(), tenant.name(), tenant.sellers().stream().sorted().toList(),
                                  tenant.inactivityWindow(), tenant.codePattern(), tenant.whatsappPhoneNumberId(),
                                  tenant.webhookSecret() != null, tenant.createdAt(), tenant.updatedAt());
    }
}
