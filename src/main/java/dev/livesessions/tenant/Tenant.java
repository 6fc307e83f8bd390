package dev.livesessions.tenant;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import org.hibernate.annotations.BatchSize;

import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/** A seller's or streamer's account: who its sellers are and how its sessions behave. */
@Entity
@Table(name = "tenant")
class Tenant {

    @Id
    private String id;
    private String name;
    /** Read with the tenant; for a list of tenants, a thousand tenants' sellers a query rather than one per tenant. */
    @ElementCollection(fetch = FetchType.EAGER)
    @BatchSize(size = 1000)
    @CollectionTable(name = "tenant_seller", joinColumns = @JoinColumn(name = "tenant_id"))
    @Column(name = "sender")
    private Set<String> sellers = new TreeSet<>();
    @Column(name = "inactivity_window_seconds")
    private Long inactivityWindowSeconds;
    private String codePattern;
    private String whatsappPhoneNumberId;
    private Integer archiveAfterDays;
    private Boolean autoCleanupDefault;
    private String notificationUrl;
    private Long maxLifespanSeconds;
    private Boolean automaticArchiving;
    private Long archiveNoticeSeconds;
    private String webhookSecret;
    private Instant createdAt;
    private Instant updatedAt;
    /** Empty until the tenant is first stored: a new tenant is inserted, never merged into a row of the same id. */
    @Version
    private Long version;

    protected Tenant() {
        // for JPA
    }

    Tenant(String id, Instant now) {
        this.id = id;
        this.createdAt = now;
    }

    /** @return the names of the fields that changed; when none did, the tenant is left as it was, change time too */
    List<String> update(TenantFields next, Instant now) {
        List<String> changed = changedFields(fields(), next);
        if (changed.isEmpty()) {
            return changed;
        }
        name = next.name();
        sellers.clear();
        sellers.addAll(next.sellerPhones());
        inactivityWindowSeconds = seconds(next.inactivityWindow());
        codePattern = next.codePattern();
        whatsappPhoneNumberId = next.whatsappPhoneNumberId();
        archiveAfterDays = next.archiveAfterDays();
        autoCleanupDefault = next.autoCleanupDefault();
        notificationUrl = next.notificationUrl();
        maxLifespanSeconds = seconds(next.maxLifespan());
        automaticArchiving = next.automaticArchiving();
        archiveNoticeSeconds = seconds(next.archiveNotice());
        updatedAt = now;
        return changed;
    }

    /** @return whether the secret changed */
    boolean changeWebhookSecret(String secret, Instant now) {
        if (Objects.equals(webhookSecret, secret)) {
            return false;
        }
        webhookSecret = secret;
        updatedAt = now;
        return true;
    }

    TenantFields fields() {
        return new TenantFields(name, Set.copyOf(sellers), duration(inactivityWindowSeconds), codePattern,
                                whatsappPhoneNumberId, archiveAfterDays, autoCleanupDefault, notificationUrl,
                                duration(maxLifespanSeconds), automaticArchiving, duration(archiveNoticeSeconds));
    }

    private static Long seconds(Duration duration) {
        return duration == null ? null : duration.toSeconds();
    }

    private static Duration duration(Long seconds) {
        return seconds == null ? null : Duration.ofSeconds(seconds);
    }

    String id() {
        return id;
    }

    String webhookSecret() {
        return webhookSecret;
    }

    Instant createdAt() {
        return createdAt;
    }

    Instant updatedAt() {
        return updatedAt;
    }

    private static List<String> changedFields(TenantFields before, TenantFields after) {
        List<String> changed = new ArrayList<>();
        for (RecordComponent component : TenantFields.class.getRecordComponents()) {
            try {
                if (!Objects.equals(component.getAccessor().invoke(before), component.getAccessor().invoke(after))) {
                    changed.add(component.getName());
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return changed;
    }
}
