package dev.livesessions.cleanup;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livesessions.api.ArchiveNoticeIssued;
import dev.livesessions.api.ArchiveNoticeWithdrawn;
import dev.livesessions.tenant.TenantDirectory;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.messaging.annotation.MessageIdentifier;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;

/**
 * Tells a tenant that one of its sessions is about to be archived, and that an archive it was told of will not happen
 * after all, when the tenant has a notification URL. The handlers only schedule the delivery (a db-scheduler task,
 * retried on failure), so a slow or failing endpoint never holds up the sessions. It runs in the transaction that
 * issues the notice, so the delivery is scheduled exactly when the notice is stored; being no tracking processor, it
 * never sees a replay, and a new deployment does not announce archives of the past.
 * <p>
 * A withdrawal is sent only for a notice that was: a notice never sent ({@link UnpostedNotices}) is withdrawn without
 * a message, and a notice waiting to be tried again is called off instead, so that the tenant hears of neither. The
 * withdrawal of a notice being sent at that very moment waits until it is sent or given up (see
 * {@link ArchiveNoticeDelivery}).
 */
@Component
@ProcessingGroup(ArchiveNotices.PROCESSING_GROUP)
class ArchiveNotices {

    static final String PROCESSING_GROUP = "archive-notices";
    /** The db-scheduler task that posts notices and withdrawals. */
    static final String DELIVERY = "send-archive-notice";
    static final String NOTICE = "session.archive-notice";
    static final String WITHDRAWAL = "session.archive-notice-withdrawn";

    /**
     * The notice as the tenant receives it.
     *
     * @param type      {@code session.archive-notice}, or {@code session.archive-notice-withdrawn} for an archive
     *                  announced before that will not happen
     * @param archiveAt the archive announced (or withdrawn)
     * @param issuedAt  when the session gave this notice (or withdrew it)
     */
    record ArchiveNotice(String type, String noticeId, String tenantId, String sessionId, String archiveAt,
                         String issuedAt) {
    }

    private final TenantDirectory tenants;
    private final UnpostedNotices unposted;
    private final ArchiveNoticeDelivery delivery;
    private final ObjectMapper json;
    private final Clock clock;

    ArchiveNotices(TenantDirectory tenants, UnpostedNotices unposted, ArchiveNoticeDelivery delivery, ObjectMapper json,
                   Clock clock) {
        this.tenants = tenants;
        this.unposted = unposted;
        this.delivery = delivery;
        this.json = json;
        this.clock = clock;
    }

    /** The delivery of the notice of an archive: one per archive, so a redelivered event sends no second notice. */
    static String noticeOf(String sessionId, Instant archiveAt) {
        return sessionId + "/" + archiveAt;
    }

    @EventHandler
    void on(ArchiveNoticeIssued event, @MessageIdentifier String eventId) throws JsonProcessingException {
        if (!wanted(event.tenantId())) {
            unposted.record(event.sessionId(), event.archiveAt(), UnpostedNotices.Reason.NO_URL);
            return;
        }
        schedule(noticeOf(event.sessionId(), event.archiveAt()),
                 new ArchiveNotice(NOTICE, eventId, event.tenantId(), event.sessionId(), event.archiveAt().toString(),
                                   event.issuedAt().toString()));
    }

    @EventHandler
    void on(ArchiveNoticeWithdrawn event, @MessageIdentifier String eventId) throws JsonProcessingException {
        if (unposted.forget(event.sessionId(), event.archiveAt())
            || unposted.callOff(event.sessionId(), event.archiveAt()) || !wanted(event.tenantId())) {
            return;
        }
        // The event id names the delivery, so a redelivered event does not send a second withdrawal.
        schedule(eventId, new ArchiveNotice(WITHDRAWAL, eventId, event.tenantId(), event.sessionId(),
                                            event.archiveAt().toString(), event.withdrawnAt().toString()));
    }

    private boolean wanted(String tenantId) {
        return tenants.find(tenantId).map(tenant -> tenant.notificationUrl() != null).orElse(false);
    }

    private void schedule(String deliveryId, ArchiveNotice notice) throws JsonProcessingException {
        delivery.schedule(deliveryId, json.writeValueAsString(notice), clock.instant());
    }
}
