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

    void update(String name, Set<String> sellers, Duration inactivityWindow, String codePattern, Instant now) {
        this.name = name;
        this.sellers.clear();
        this.sellers.addAll(sellers);
        this.inactivityWindowSeconds = inactivityWindow == null ? null : inactivityWindow.toSeconds();
        this.codePattern = codePattern;
        this.updatedAt = now;
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

    Instant createdAt() {
        return createdAt;
    }

    Instant updatedAt() {
        return updatedAt;
    }
}
