package dev.livesessions.cleanup;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import dev.livesessions.api.ArchiveNoticeIssued;
import dev.livesessions.api.ArchiveNoticeWithdrawn;
import dev.livesessions.tenant.TenantDirectory;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.messaging.annotation.MessageIdentifier;
import org.springframework.stereotype.Component;

import java.time.Clock;

/**
 * Tells a tenant that one of its sessions is about to be archived, and that an archive it was told of will not happen
 * after all, when the tenant has a notification URL. The handlers only schedule the delivery (a db-scheduler task,
 * retried on failure), so a slow or failing endpoint never holds up the sessions. It runs in the transaction that
 * issues the notice, so the delivery is scheduled exactly when the notice is stored; being no tracking processor, it
 * never sees a replay, and a new deployment does not announce archives of the past.
 */
@Component
@ProcessingGroup(ArchiveNotices.PROCESSING_GROUP)
class ArchiveNotices {

    static final String PROCESSING_GROUP = "archive-notices";

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
    private final SchedulerClient scheduler;
    private final OneTimeTask<String> delivery;
    private final ObjectMapper json;
    private final Clock clock;

    ArchiveNotices(TenantDirectory tenants, SchedulerClient scheduler, OneTimeTask<String> sendArchiveNotice,
                   ObjectMapper json, Clock clock) {
        this.tenants = tenants;
        this.scheduler = scheduler;
        this.delivery = sendArchiveNotice;
        this.json = json;
        this.clock = clock;
    }

    @EventHandler
    void on(ArchiveNoticeIssued event, @MessageIdentifier String eventId) throws JsonProcessingException {
        send(new ArchiveNotice("session.archive-notice", eventId, event.tenantId(), event.sessionId(),
                               event.archiveAt().toString(), event.issuedAt().toString()));
    }

    @EventHandler
    void on(ArchiveNoticeWithdrawn event, @MessageIdentifier String eventId) throws JsonProcessingException {
        send(new ArchiveNotice("session.archive-notice-withdrawn", eventId, event.tenantId(), event.sessionId(),
                               event.archiveAt().toString(), event.withdrawnAt().toString()));
    }

    private void send(ArchiveNotice notice) throws JsonProcessingException {
        boolean wanted = tenants.find(notice.tenantId()).map(tenant -> tenant.notificationUrl() != null)
                                .orElse(false);
        if (!wanted) {
            return;
        }
        // The event id names the delivery, so a redelivered event does not send a second notice.
        scheduler.scheduleIfNotExists(delivery.instance(notice.noticeId(), json.writeValueAsString(notice)),
                                      clock.instant());
    }
}
