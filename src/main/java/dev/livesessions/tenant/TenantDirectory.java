package dev.livesessions.tenant;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.livesessions.LiveSessionsProperties;
import dev.livesessions.NestedRepetition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * Tenants' settings for the ingestion path, kept in memory: every message needs them, and they change rarely. A
 * change made on this node applies at once. Changes made on any node are in the tenant change log
 * ({@code tenant_change}), which is read again once {@code live-sessions.tenants.cache-ttl} has passed: a change made
 * on another node applies within that time, and a tenant that did not change is not read again. So does a tenant
 * created on another node, when this node had looked for its id before (ADR 21).
 */
@Component
public class TenantDirectory {

    private static final Logger logger = LoggerFactory.getLogger(TenantDirectory.class);
    /**
     * A change is stamped before its transaction commits, by its node's clock: the change log is read this far back
     * from the last reading, so that a slow commit or a node's clock a little behind is not missed.
     */
    private static final Duration CHANGES_LOOK_BACK = Duration.ofMinutes(1);
    /** Settings are read again after this long even without a change logged: an edit made outside the API. */
    private static final Duration KEPT_AT_MOST = Duration.ofMinutes(10);

    private static final Pattern TENANT_ID = Pattern.compile(TenantRequest.ID_PATTERN);

    private final TenantRepository tenants;
    private final LiveSessionsProperties properties;
    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final Pattern defaultCodePattern;
    private final LoadingCache<String, Optional<TenantSettings>> cache;
    private final LoadingCache<String, String> tenantIdsByWhatsAppNumber;
    private final AtomicReference<Instant> changesReadAt;

    TenantDirectory(TenantRepository tenants, LiveSessionsProperties properties, JdbcTemplate jdbc, Clock clock) {
        this.tenants = tenants;
        this.properties = properties;
        this.jdbc = jdbc;
        this.clock = clock;
        this.defaultCodePattern = Pattern.compile(properties.signals().codePattern());
        this.cache = Caffeine.newBuilder()
                             .maximumSize(100_000)
                             .expireAfterWrite(KEPT_AT_MOST)
                             .build(this::load);
        this.tenantIdsByWhatsAppNumber = Caffeine.newBuilder()
                .maximumSize(100_000)
                .expireAfterWrite(KEPT_AT_MOST)
                // A number no tenant has is not kept: its messages are acknowledged and dropped, so a number just
                // set up on another node is taken as soon as its row is there, not a cache-ttl later.
                .build(phoneNumberId -> tenants.findByWhatsappPhoneNumberId(phoneNumberId).map(Tenant::id)
                                               .orElse(null));
        this.changesReadAt = new AtomicReference<>(clock.instant());
    }

    /**
     * @return the tenant's settings; nothing for an id no tenant can have (see {@link TenantRequest}), without a look
     * in the database nor a place in the cache: anyone can send a webhook signed for any text.
     */
    public Optional<TenantSettings> find(String tenantId) {
        if (tenantId == null || !TENANT_ID.matcher(tenantId).matches()) {
            return Optional.empty();
        }
        forgetChangedTenants();
        return cache.get(tenantId);
    }

    /**
     * The tenant whose WhatsApp number has this {@code phone_number_id}. The change log is read (when it is due) before
     * the number is looked up: a number another node moved to another tenant goes there from the first message after
     * the change log shows the move, within {@code cache-ttl}, like any other change.
     */
    public Optional<TenantSettings> findByWhatsAppNumber(String phoneNumberId) {
        forgetChangedTenants();
        String tenantId = tenantIdsByWhatsAppNumber.get(phoneNumberId);
        if (tenantId == null) {
            return Optional.empty();
        }
        Optional<TenantSettings> tenant = find(tenantId);
        if (tenant.isEmpty()) {
            // The number was just found on a tenant this node had looked for before it was created elsewhere: the
            // tenant's absence kept since is stale, and a message dropped for it would be lost.
            cache.invalidate(tenantId);
            tenant = find(tenantId);
        }
        return tenant;
    }

    /** The tenants with an archive delay of their own, with that delay: read from the database at each call. */
    public Map<String, Duration> ownArchiveDelays() {
        Map<String, Duration> delays = new HashMap<>();
        jdbc.query("SELECT id, archive_after_days FROM tenant WHERE archive_after_days IS NOT NULL",
                   (RowCallbackHandler) row -> delays.put(row.getString(1), Duration.ofDays(row.getInt(2))));
        return delays;
    }

    void forget(String tenantId) {
        cache.invalidate(tenantId);
        tenantIdsByWhatsAppNumber.invalidateAll();
    }

    /**
     * Once per {@code cache-ttl}, forgets the tenants the change log shows changed since it was last read. One caller
     * reads it; the others go on with what is kept.
     */
    private void forgetChangedTenants() {
        Instant readAt = changesReadAt.get();
        Instant now = clock.instant();
        if (now.isBefore(readAt.plus(properties.tenants().cacheTtl())) || !changesReadAt.compareAndSet(readAt, now)) {
            return;
        }
        try {
            List<String> changed = jdbc.queryForList(
                    "SELECT DISTINCT tenant_id FROM tenant_change WHERE changed_at >= ?", String.class,
                    Timestamp.from(readAt.minus(CHANGES_LOOK_BACK)));
            if (!changed.isEmpty()) {
                cache.invalidateAll(changed);
                tenantIdsByWhatsAppNumber.invalidateAll();
            }
        } catch (DataAccessException e) {
            // Read again by the next message; until then, what is kept is what was last read.
            changesReadAt.compareAndSet(now, readAt);
            logger.debug("Could not read the tenant change log", e);
        }
    }

    /**
     * The tenant's own code pattern, unless it is one the API refuses now (stored before the rule was made, or by
     * hand): matching a message against it could hold an ingestion thread for minutes, or it does not compile, so the
     * global pattern stands in until the tenant's is changed.
     */
    private Pattern codePatternOf(String tenantId, String stored) {
        if (stored == null) {
            return defaultCodePattern;
        }
        Optional<String> problem = NestedRepetition.problemWith(stored);
        if (problem.isEmpty()) {
            return Pattern.compile(stored);
        }
        logger.warn("Tenant {} has the code pattern {}, which {}; the global pattern is used for it until it is "
                    + "changed", tenantId, stored, problem.get());
        return defaultCodePattern;
    }

    /**
     * @return the tenant's settings, or nothing when there is no such tenant. That is kept too, so that a provider
     * posting for a tenant that is not here costs no query per message; it is dropped when a tenant of that id is
     * created, at once on this node, on another once the change log shows it.
     */
    private Optional<TenantSettings> load(String tenantId) {
        return tenants.findById(tenantId).map(tenant -> {
            TenantFields fields = tenant.fields();
            fields.sellerPhones().stream().filter(Senders::isStoredNationalNumber).forEach(seller -> logger.warn(
                    "Tenant {} has the seller {}, a national number, which no provider reports: that seller's "
                    + "messages are not recognised until the number is given in international format", tenant.id(),
                    seller));
            LiveSessionsProperties.Cleanup cleanup = properties.cleanup();
            Duration archiveAfter = cleanup.delayFor(fields.archiveAfterDays());
            Duration notice = cleanup.noticeFor(fields.archiveNotice());
            if (notice.compareTo(archiveAfter) > 0) {
                // Each was right when it was set, one for the tenant and the other globally (changed since); together,
                // every archive would be held back to the notice. The notice gives way, as the API would have it.
                logger.warn("Tenant {} has an archive notice of {}{} and an archive delay of {}{}: its notices come {} "
                            + "before the archive", tenant.id(), notice,
                            fields.archiveNotice() == null ? " (the global one)" : "", archiveAfter,
                            fields.archiveAfterDays() == null ? " (the global one)" : "", archiveAfter);
                notice = archiveAfter;
            }
            return new TenantSettings(
                    tenant.id(),
                    fields.sellerPhones(),
                    fields.inactivityWindow() != null ? fields.inactivityWindow()
                                                      : properties.defaultInactivityWindow(),
                    codePatternOf(tenant.id(), fields.codePattern()),
                    tenant.webhookSecret(),
                    archiveAfter,
                    fields.autoCleanupDefault() != null ? fields.autoCleanupDefault() : cleanup.autoCleanupDefault(),
                    fields.notificationUrl(),
                    fields.maxLifespan() != null ? fields.maxLifespan() : properties.maxLifespan(),
                    fields.automaticArchiving() != null ? fields.automaticArchiving() : cleanup.enabled(),
                    notice);
        });
    }
}
