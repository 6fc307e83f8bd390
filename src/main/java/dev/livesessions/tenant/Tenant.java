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
    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "tenant_seller", joinColumns = @JoinColumn(name = "tenant_id"))
    @Column(name = "sender")
    private Set<String> sellers = new TreeSet<>();
    @Column(name = "inactivity_window_seconds")
    private Long inactivityWindowSeconds;
    private String codePattern;
    private String whatsappPhoneNumberId;
    private String webhookSecret;
    private Instant createdAt;
    private Instant updatedAt;
    @Version
    private long version;

    protected Tenant() {
        // for JPA
    }

    Tenant(String id, Instant now) {
        this.id = id;
        this.createdAt = now;
    }

    /** @return the names of the fields that changed */
    List<String> update(String name, Set<String> sellers, Duration inactivityWindow, String codePattern,
                        String whatsappPhoneNumberId, Instant now) {
        List<String> changed = new ArrayList<>();
        if (!Objects.equals(this.name, name)) {
            changed.add("name");
        }
        if (!this.sellers.equals(sellers)) {
            changed.add("sellerPhones");
        }
        Long windowSeconds = inactivityWindow == null ? null : inactivityWindow.toSeconds();
        if (!Objects.equals(this.inactivityWindowSeconds, windowSeconds)) {
            changed.add("inactivityWindow");
        }
        if (!Objects.equals(this.codePattern, codePattern)) {
            changed.add("codePattern");
        }
        if (!Objects.equals(this.whatsappPhoneNumberId, whatsappPhoneNumberId)) {
            changed.add("whatsappPhoneNumberId");
        }
        this.name = name;
        this.sellers.clear();
        this.sellers.addAll(sellers);
        this.inactivityWindowSeconds = windowSeconds;
        this.codePattern = codePattern;
        this.whatsappPhoneNumberId = whatsappPhoneNumberId;
        this.updatedAt = now;
        return changed;
    }

    /** @return whether the secret changed */
    boolean changeWebhookSecret(String secret) {
        boolean changed = !Objects.equals(webhookSecret, secret);
        webhookSecret = secret;
        return changed;
    }

    String id() {
        return id;
    }

    String name() {
        return name;
    }

    Set<String> sellers() {
        return Set.copyOf(sellers);
    }

    Duration inactivityWindow() {
        return inactivityWindowSeconds == null ? null : Duration.ofSeconds(inactivityWindowSeconds);
    }

    String codePattern() {
        return codePattern;
    }

    String whatsappPhoneNumberId() {
        return whatsappPhoneNumberId;
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
}
