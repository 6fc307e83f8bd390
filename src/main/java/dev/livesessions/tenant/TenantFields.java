package dev.livesessions.tenant;

import java.time.Duration;
import java.util.Set;

/**
 * The settings of a tenant that its owners write, validated and normalized. Null means "use the global default".
 *
 * @param sellerPhones normalized seller phones and handles
 */
record TenantFields(String name, Set<String> sellerPhones, Duration inactivityWindow, String codePattern,
                    String whatsappPhoneNumberId, Integer archiveAfterDays, Boolean autoCleanupDefault,
                    String notificationUrl, Duration maxLifespan, Boolean automaticArchiving,
                    Duration archiveNotice) {
}
