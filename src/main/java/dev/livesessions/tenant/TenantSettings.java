package dev.livesessions.tenant;

import java.time.Duration;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What ingestion needs to know of a tenant, with the global defaults already applied.
 *
 * @param sellers          normalized seller phones and handles (see {@link Senders})
 * @param inactivityWindow the tenant's override, or the global window
 * @param codePattern      the tenant's product code pattern, or the global one
 * @param webhookSecret    the key of the generic webhook's signatures, or null when none is set
 * @param archiveAfter     how long a closed session stays idle before it is archived
 * @param autoCleanupByDefault whether the tenant's new sessions have auto-cleanup on
 * @param notificationUrl  where notices of coming archives go, or null
 * @param maxLifespan      the cap on a session's life, or null for none
 * @param automaticArchiving whether closed sessions are archived automatically
 * @param archiveNotice    how long before an automatic archive its notice comes; zero for none
 */
public record TenantSettings(String tenantId, Set<String> sellers, Duration inactivityWindow, Pattern codePattern,
                             String webhookSecret, Duration archiveAfter, boolean autoCleanupByDefault,
                             String notificationUrl, Duration maxLifespan, boolean automaticArchiving,
                             Duration archiveNotice) {

    public boolean isSeller(String sender) {
        String normalized = Senders.normalize(sender);
        return sellers.contains(normalized) || sellers.contains(Senders.otherSpelling(normalized));
    }

    @Override
    public String toString() {
        return "TenantSettings[" + tenantId + "]";
    }
}
