package dev.livesessions.tenant;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.time.Duration;
import java.util.List;

import static dev.livesessions.PrintableText.NOT_PRINTABLE;
import static dev.livesessions.PrintableText.PRINTABLE;

/**
 * A tenant as clients write it. A PUT may send back the tenant as {@link TenantResponse} reads it: the fields only
 * the service writes (whether a secret is set, when the tenant was created and changed) are passed over.
 *
 * @param id               lower-case letters, digits and dashes; required to create, must match the path to update
 * @param sellerPhones     the sellers' phone numbers (any format) or chat handles
 * @param inactivityWindow ISO-8601 (e.g. {@code PT30M}); null uses the global window
 * @param codePattern      a Java regular expression for product codes; null uses the global pattern
 * @param whatsappPhoneNumberId the {@code phone_number_id} of the tenant's WhatsApp Business number, if any
 * @param webhookSecret    the key that signs the tenant's generic webhook requests; write-only, null leaves it as
 *                         it is
 * @param archiveAfterDays days a closed session stays idle before it is archived; null uses the global setting
 * @param autoCleanupDefault whether new sessions have auto-cleanup on; null uses the global setting
 * @param notificationUrl  where notices of coming archives are posted (http or https); null for none
 * @param maxLifespan      the tenant's cap on a session's life (ISO-8601); null uses the global setting
 * @param automaticArchiving whether its closed sessions are archived automatically; null uses the global switch
 * @param archiveNotice    how long before an automatic archive its notice comes (ISO-8601, PT0S for none); null
 *                         uses the global setting
 */
@JsonIgnoreProperties({"webhookSecretSet", "createdAt", "updatedAt"})
record TenantRequest(@Pattern(regexp = TenantRequest.ID_PATTERN, message = "must be 1-40 lower-case letters, digits or dashes")
                     String id,
                     @NotBlank @Size(max = 200) @Pattern(regexp = PRINTABLE, message = NOT_PRINTABLE) String name,
                     @NotNull @Size(max = 200)
                     List<@NotBlank @Size(max = 140) @Pattern(regexp = PRINTABLE, message = NOT_PRINTABLE) String>
                             sellerPhones,
                     Duration inactivityWindow,
                     @Size(min = 1, max = 200, message = "must be 1 to 200 characters; leave it out for the global pattern")
                     @Pattern(regexp = PRINTABLE, message = NOT_PRINTABLE) String codePattern,
                     @Pattern(regexp = "[0-9]{1,30}", message = "must be the digits of a WhatsApp phone_number_id")
                     String whatsappPhoneNumberId,
                     @Size(min = 32, max = 200) @Pattern(regexp = PRINTABLE, message = NOT_PRINTABLE)
                     String webhookSecret,
                     @Min(1) @Max(3650) Integer archiveAfterDays,
                     Boolean autoCleanupDefault,
                     @Size(max = 500) @Pattern(regexp = PRINTABLE, message = NOT_PRINTABLE) String notificationUrl,
                     Duration maxLifespan,
                     Boolean automaticArchiving,
                     Duration archiveNotice) {

    static final String ID_PATTERN = "[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?";

    /** Without the webhook secret's value: Spring's web layer writes the requests it reads in its trace log. */
    @Override
    public String toString() {
        return "TenantRequest[id=" + id + ", name=" + name + ", sellerPhones=" + sellerPhones + ", inactivityWindow="
               + inactivityWindow + ", codePattern=" + codePattern + ", whatsappPhoneNumberId=" + whatsappPhoneNumberId
               + ", webhookSecret=" + (webhookSecret == null ? null : "(given)") + ", archiveAfterDays="
               + archiveAfterDays + ", autoCleanupDefault=" + autoCleanupDefault + ", notificationUrl="
               + notificationUrl + ", maxLifespan=" + maxLifespan + ", automaticArchiving=" + automaticArchiving
               + ", archiveNotice=" + archiveNotice + "]";
    }
}
