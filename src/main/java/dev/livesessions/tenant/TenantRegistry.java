package dev.livesessions.tenant;

import dev.livesessions.InvisibleText;
import dev.livesessions.LiveSessionsProperties;
import dev.livesessions.NestedRepetition;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.web.server.ResponseStatusException;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/** Creates, reads and updates tenants, rejecting settings that would fail later on the ingestion path. */
@Service
class TenantRegistry {

    private static final Duration SHORTEST_WINDOW = Duration.ofSeconds(1);
    private static final Duration LONGEST_WINDOW = Duration.ofDays(7);
    private static final Duration SHORTEST_LIFESPAN = Duration.ofSeconds(1);
    private static final Duration LONGEST_LIFESPAN_OR_NOTICE = Duration.ofDays(30);

    private final TenantRepository tenants;
    private final TenantChangeRepository changes;
    private final TenantDirectory directory;
    private final LiveSessionsProperties.Cleanup globally;
    private final Clock clock;

    TenantRegistry(TenantRepository tenants, TenantChangeRepository changes, TenantDirectory directory,
                   LiveSessionsProperties properties, Clock clock) {
        this.tenants = tenants;
        this.changes = changes;
        this.directory = directory;
        this.globally = properties.cleanup();
        this.clock = clock;
    }

    @Transactional
    TenantResponse create(TenantRequest request, String actor) {
        if (request.id() == null) {
            throw badRequest("id is required to create a tenant");
        }
        if (tenants.existsById(request.id())) {
            throw new ResponseStatusException(HttpStatus.CONFLICT, "Tenant '" + request.id() + "' already exists");
        }
        Tenant tenant = new Tenant(request.id(), clock.instant());
        apply(request, tenant);
        tenants.save(tenant);
        changes.save(new TenantChange(tenant.id(), clock.instant(), actor, "created"));
        forgetOnCommit(tenant.id());
        return TenantResponse.of(tenant);
    }

    /**
     * @param ifMatch the {@code If-Match} the request came with, or null: when it names no tag of the tenant as it is,
     *                the tenant changed since the caller read it, and the request is refused (412) rather than
     *                writing over that change
     */
    @Transactional
    TenantResponse update(String id, TenantRequest request, String actor, String ifMatch) {
        if (request.id() != null && !request.id().equals(id)) {
            throw badRequest("id in the body (" + request.id() + ") differs from the path (" + id + ")");
        }
        Tenant tenant = tenants.findById(id).orElseThrow(() -> notFound(id));
        String current = TenantResponse.of(tenant).entityTag();
        if (ifMatch != null && Arrays.stream(ifMatch.split(",")).map(String::strip)
                                     .noneMatch(tag -> tag.equals("*") || tag.equals(current))) {
            throw new ResponseStatusException(HttpStatus.PRECONDITION_FAILED,
                    "The tenant changed since it was read (If-Match: " + ifMatch + "; it is now " + current
                    + "): read it again, and make the change over what it is now");
        }
        List<String> changed = apply(request, tenant);
        if (!changed.isEmpty()) {
            changes.save(new TenantChange(id, clock.instant(), actor, "updated " + String.join(", ", changed)));
        }
        forgetOnCommit(id);
        return TenantResponse.of(tenant);
    }

    /** Ingestion on this node uses the tenant as committed from then on: the directory forgets what it kept of it. */
    private void forgetOnCommit(String id) {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                directory.forget(id);
            }
        });
    }

    @Transactional(readOnly = true)
    TenantResponse get(String id) {
        return tenants.findById(id).map(TenantResponse::of).orElseThrow(() -> notFound(id));
    }

    @Transactional(readOnly = true)
    List<TenantChange.View> changesOf(String id) {
        if (!tenants.existsById(id)) {
            throw notFound(id);
        }
        return changes.findByTenantIdOrderByChangedAtAscIdAsc(id).stream().map(TenantChange::view).toList();
    }

    @Transactional(readOnly = true)
    List<TenantResponse> all() {
        return tenants.findAll().stream().map(TenantResponse::of)
                      .sorted((a, b) -> a.id().compareTo(b.id())).toList();
    }

    /** @return the names of the fields that changed */
    private List<String> apply(TenantRequest request, Tenant tenant) {
        for (Duration duration : Arrays.asList(request.inactivityWindow(), request.maxLifespan(),
                                               request.archiveNotice())) {
            if (duration != null && duration.getNano() != 0) {
                // Stored in whole seconds: a fraction would be dropped without a word (PT0.5S of notice as none).
                throw badRequest("inactivityWindow, maxLifespan and archiveNotice are whole seconds: " + duration);
            }
        }
        Duration window = request.inactivityWindow();
        if (window != null && (window.compareTo(SHORTEST_WINDOW) < 0 || window.compareTo(LONGEST_WINDOW) > 0)) {
            throw badRequest("inactivityWindow must be between PT1S and P7D");
        }
        Duration lifespan = request.maxLifespan();
        if (lifespan != null && (lifespan.compareTo(SHORTEST_LIFESPAN) < 0
                                 || lifespan.compareTo(LONGEST_LIFESPAN_OR_NOTICE) > 0)) {
            throw badRequest("maxLifespan must be between PT1S and P30D");
        }
        Duration notice = request.archiveNotice();
        if (notice != null && (notice.isNegative() || notice.compareTo(LONGEST_LIFESPAN_OR_NOTICE) > 0)) {
            throw badRequest("archiveNotice must be between PT0S and P30D");
        }
        // An archive gets its whole notice while the service runs: a longer notice than the delay would hold every
        // archive back to it. Checked when the request sets either otherwise than stored: a tenant whose own values
        // met a global one changed since is served with the notice cut to the delay (TenantDirectory), and stays
        // editable.
        Duration givenNotice = globally.noticeFor(notice);
        Duration delay = globally.delayFor(request.archiveAfterDays());
        TenantFields stored = tenant.fields();
        boolean retentionAsStored = Objects.equals(notice, stored.archiveNotice())
                                    && Objects.equals(request.archiveAfterDays(), stored.archiveAfterDays());
        if (!retentionAsStored && givenNotice.compareTo(delay) > 0) {
            throw badRequest("archiveNotice (" + givenNotice + (notice == null ? ", the global one" : "")
                             + ") must not be longer than the archive delay (" + delay
                             + (request.archiveAfterDays() == null ? ", the global one" : "")
                             + "): sessions would be archived after the notice, not the delay");
        }
        // A pattern stored before the rule was made is kept as it is when sent back unchanged with an edit.
        if (request.codePattern() != null && !request.codePattern().equals(tenant.fields().codePattern())) {
            NestedRepetition.problemWith(request.codePattern()).ifPresent(problem -> {
                throw badRequest("codePattern " + problem);
            });
        }
        String name = InvisibleText.trim(request.name());
        if (name.isEmpty()) {
            throw badRequest("name must show something: spaces and invisible characters alone are blank");
        }
        if (request.notificationUrl() != null && !isHttpUrl(request.notificationUrl())) {
            throw badRequest("notificationUrl must be an absolute http or https URL");
        }
        // Kept as it is when sent back unchanged, as a pattern is: it was stored before the rule was made.
        if (request.notificationUrl() != null && URI.create(request.notificationUrl()).getUserInfo() != null
            && !request.notificationUrl().equals(tenant.fields().notificationUrl())) {
            throw badRequest("notificationUrl must not hold a user or password: they would not be sent, and anyone "
                             + "who reads the tenant would see them; the receiver checks a notice by its signature");
        }
        Set<String> sellers = new TreeSet<>();
        for (String phone : request.sellerPhones()) {
            String problem = Senders.problemWith(phone);
            if (problem != null) {
                throw badRequest("sellerPhones: " + problem);
            }
            sellers.add(Senders.normalize(phone));
        }
        TenantFields fields = new TenantFields(name, sellers, window, request.codePattern(),
                                               request.whatsappPhoneNumberId(), request.archiveAfterDays(),
                                               request.autoCleanupDefault(), request.notificationUrl(), lifespan,
                                               request.automaticArchiving(), notice);
        // As PostgreSQL keeps it: the change time is the tenant's entity tag, which must read the same once stored.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        List<String> changed = new ArrayList<>(tenant.update(fields, now));
        if (request.webhookSecret() != null && tenant.changeWebhookSecret(request.webhookSecret(), now)) {
            changed.add("webhookSecret");
        }
        if (fields.notificationUrl() != null && tenant.webhookSecret() == null) {
            throw badRequest("notificationUrl needs a webhookSecret: notices are signed with it");
        }
        return changed;
    }

    private static boolean isHttpUrl(String value) {
        try {
            URI uri = new URI(value);
            return uri.isAbsolute() && uri.getHost() != null
                   && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static ResponseStatusException notFound(String id) {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "No tenant '" + id + "'");
    }

    private static ResponseStatusException badRequest(String reason) {
        return new ResponseStatusException(HttpStatus.BAD_REQUEST, reason);
    }
}
