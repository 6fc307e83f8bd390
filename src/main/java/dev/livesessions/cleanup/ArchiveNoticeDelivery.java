package dev.livesessions.cleanup;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SystemClock;
import com.github.kagkarlsson.scheduler.boot.config.DbSchedulerConfigurationSupport;
import com.github.kagkarlsson.scheduler.boot.config.DbSchedulerCustomizer;
import com.github.kagkarlsson.scheduler.boot.config.DbSchedulerProperties;
import com.github.kagkarlsson.scheduler.stats.MicrometerStatsRegistry;
import com.github.kagkarlsson.scheduler.task.Execution;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import dev.livesessions.LiveSessionsProperties;
import dev.livesessions.cleanup.ArchiveNotices.ArchiveNotice;
import dev.livesessions.tenant.TenantDirectory;
import dev.livesessions.tenant.TenantSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.BeanUtils;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.util.UriComponentsBuilder;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Delivers archive notices to tenants: a JSON POST to the tenant's notification URL, signed like the generic webhook
 * ({@code X-Live-Sessions-Signature: tenant=<id>,t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">} with the
 * tenant's webhook secret). Anything but a 2xx is retried with a doubling delay, then given up and counted, as is a
 * notice still unposted when the archive it announces comes. A notice whose tenant has no notification URL or secret
 * any more by the time it is due (or is gone) is dropped, and counted.
 * <p>
 * The notices wait in a db-scheduler of their own (ADR 38): its own table, {@value #TABLE}, and its own threads
 * ({@code notice-threads}), with every other setting of the deadlines' scheduler. A tenant endpoint may hold a
 * delivery for {@code notice-timeout}; on the deadlines' threads, a few such endpoints would hold up every tenant's
 * closures. Its state is the health component {@code archiveNotices}, and its task has db-scheduler's meters
 * ({@code dbscheduler_task_*{task="send-archive-notice"}}), as the deadlines' scheduler has.
 */
@Component
class ArchiveNoticeDelivery implements SmartLifecycle {

    /** The table of the notices waiting to be posted, or to be tried again. */
    static final String TABLE = "archive_notice_deliveries";

    private static final Logger logger = LoggerFactory.getLogger(ArchiveNoticeDelivery.class);

    private final OneTimeTask<String> task;
    private final Scheduler scheduler;
    private boolean started;
    private volatile boolean running;

    ArchiveNoticeDelivery(TenantDirectory tenants, UnpostedNotices unposted, ObjectMapper json, MeterRegistry meters,
                          Clock clock, LiveSessionsProperties properties, TransactionTemplate transactions,
                          DataSource dataSource, DbSchedulerProperties deadlines, DbSchedulerCustomizer customizer) {
        this.task = task(tenants, unposted, json, meters, clock, properties.cleanup(), transactions);
        // Built as the starter builds the deadlines' scheduler, with their settings but for the table and the threads;
        // its data source is transaction-aware, so a notice is scheduled in the transaction of its event.
        DbSchedulerProperties notices = new DbSchedulerProperties();
        BeanUtils.copyProperties(deadlines, notices);
        notices.setTableName(TABLE);
        notices.setThreads(properties.cleanup().noticeThreads());
        this.scheduler = DbSchedulerConfigurationSupport.buildScheduler(
                notices, customizer, new MicrometerStatsRegistry(meters, List.of(task)), new SystemClock(), dataSource,
                List.of(task), List.of(), List.of());
    }

    /** The scheduler the notices wait in: its state is their health. */
    Scheduler scheduler() {
        return scheduler;
    }

    /**
     * Schedules a notice or withdrawal to be posted at {@code at}, in the transaction under way, unless a delivery of
     * that id is scheduled already.
     */
    void schedule(String deliveryId, String notice, Instant at) {
        scheduler.scheduleIfNotExists(task.instance(deliveryId, notice), at);
    }

    /** Starts posting notices, or takes it up again after a stop (a db-scheduler that stopped cannot start again). */
    @Override
    public synchronized void start() {
        if (started) {
            scheduler.resume();
        } else {
            scheduler.start();
            started = true;
        }
        running = true;
    }

    /** Takes no more notices; those being posted go on, and the context's close waits for them. */
    @Override
    public void stop() {
        running = false;
        scheduler.pause();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Waits for the notices being posted, at most as long as the deadlines' scheduler waits for its deadlines. */
    @PreDestroy
    void close() {
        scheduler.stop();
    }

    private static OneTimeTask<String> task(TenantDirectory tenants, UnpostedNotices unposted, ObjectMapper json,
                                            MeterRegistry meters, Clock clock, LiveSessionsProperties.Cleanup cleanup,
                                            TransactionTemplate transactions) {
        Duration timeout = cleanup.noticeTimeout();
        HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
        // Every outcome exists from the start at zero, so that the first notice given up is an increase alerts see.
        Counter delivered = meters.counter("live_sessions.notices", "outcome", "delivered");
        Counter givenUp = meters.counter("live_sessions.notices", "outcome", "given_up");
        Counter dropped = meters.counter("live_sessions.notices", "outcome", "dropped");
        // db-scheduler's backoff grows by 1.5 unless told.
        FailureHandler<String> retry = new FailureHandler.ExponentialBackoffFailureHandler<>(
                cleanup.noticeRetryDelay(), 2.0);
        return Tasks.oneTime(ArchiveNotices.DELIVERY, String.class)
                    .onFailure((complete, operations) -> {
                        Execution execution = complete.getExecution();
                        if (execution.consecutiveFailures + 1 < cleanup.noticeAttempts()) {
                            retry.onFailure(complete, operations);
                            return;
                        }
                        logger.error("Gave up an archive notice after {} attempts: {}", cleanup.noticeAttempts(),
                                     execution.taskInstance);
                        givenUp.increment();
                        // Recorded as the delivery goes, in one transaction: a withdrawal that found neither would
                        // be posted, and a delivery that stayed would be tried again.
                        transactions.executeWithoutResult(done -> {
                            notSent(unposted, read(json, (String) execution.taskInstance.getData()),
                                    UnpostedNotices.Reason.GIVEN_UP);
                            operations.stop();
                        });
                    })
                    .execute((instance, context) -> {
                        String body = instance.getData();
                        ArchiveNotice notice = read(json, body);
                        if (ArchiveNotices.WITHDRAWAL.equals(notice.type()) && !settled(unposted, notice)) {
                            return;
                        }
                        // Retries span hours, and a tenant's notice may be shorter: "archived at" must not come after.
                        if (ArchiveNotices.NOTICE.equals(notice.type()) && notice.archiveAt() != null
                            && !clock.instant().isBefore(Instant.parse(notice.archiveAt()))) {
                            logger.error("Gave up an archive notice: the archive it announces, at {}, has come: {}",
                                         notice.archiveAt(), instance);
                            givenUp.increment();
                            notSent(unposted, notice, UnpostedNotices.Reason.GIVEN_UP);
                            return;
                        }
                        TenantSettings tenant = tenants.find(notice.tenantId()).orElse(null);
                        if (tenant == null || tenant.notificationUrl() == null || tenant.webhookSecret() == null) {
                            logger.info("Dropped an archive notice: its tenant has no notification URL and secret "
                                        + "any more: {}", instance);
                            dropped.increment();
                            notSent(unposted, notice, UnpostedNotices.Reason.DROPPED);
                            return;
                        }
                        post(http, tenant, body, clock.instant().getEpochSecond(), timeout);
                        delivered.increment();
                    });
    }

    private static ArchiveNotice read(ObjectMapper json, String notice) {
        try {
            return json.readValue(notice, ArchiveNotice.class);
        } catch (IOException e) {
            throw new UncheckedIOException("Unreadable archive notice", e);
        }
    }

    /**
     * Whether the notice this withdraws has been sent or given up: its withdrawal goes out after it, or not at all.
     * One still being sent (the withdrawal came as it was posted) holds the withdrawal back, as a failed attempt, to
     * be tried again. One that failed meanwhile and waits to be tried again is called off, as the withdrawal would
     * have called it off had it come then: the tenant hears of neither.
     *
     * @return false when the withdrawal is not to be sent: the notice never was
     * @throws IllegalStateException when the notice is still being sent
     */
    private static boolean settled(UnpostedNotices unposted, ArchiveNotice withdrawal) {
        Instant archiveAt = Instant.parse(withdrawal.archiveAt());
        if (unposted.forget(withdrawal.sessionId(), archiveAt) || unposted.callOff(withdrawal.sessionId(), archiveAt)) {
            return false;
        }
        if (unposted.stillToBeSent(withdrawal.sessionId(), archiveAt)) {
            throw new IllegalStateException("The notice this withdraws is still being sent: " + withdrawal.noticeId());
        }
        return true;
    }

    /** A notice never sent is withdrawn without a message; a withdrawal never sent is just that. */
    private static void notSent(UnpostedNotices unposted, ArchiveNotice notice, UnpostedNotices.Reason reason) {
        if (ArchiveNotices.NOTICE.equals(notice.type()) && notice.archiveAt() != null) {
            unposted.record(notice.sessionId(), Instant.parse(notice.archiveAt()), reason);
        }
    }

    /**
     * Posts the notice and waits for the whole answer, at most {@code timeout}: the client's own timeouts end at the
     * answer's headers, and an endpoint that then sends its body a byte at a time would hold the thread for good.
     */
    private static void post(HttpClient http, TenantSettings tenant, String notice, long timestamp,
                             Duration timeout) {
        String signature = "tenant=" + tenant.tenantId() + ",t=" + timestamp + ",v1="
                           + hmacHex(tenant.webhookSecret(), timestamp + "." + notice);
        HttpRequest request = HttpRequest.newBuilder(URI.create(tenant.notificationUrl()))
                                         .timeout(timeout)
                                         .header("Content-Type", "application/json")
                                         .header("X-Live-Sessions-Signature", signature)
                                         .POST(HttpRequest.BodyPublishers.ofString(notice))
                                         .build();
        CompletableFuture<HttpResponse<Void>> exchange = http.sendAsync(request,
                                                                        HttpResponse.BodyHandlers.discarding());
        String where = withoutSecrets(request.uri());
        int status;
        try {
            status = exchange.get(timeout.toMillis(), TimeUnit.MILLISECONDS).statusCode();
        } catch (ExecutionException e) {
            throw new IllegalStateException("Archive notice to " + where + " failed", e.getCause());
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw new IllegalStateException("Archive notice to " + where + " took more than "
                                            + timeout, e);
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while sending an archive notice", e);
        }
        if (status < 200 || status > 299) {
            throw new IllegalStateException("Archive notice to " + where + " answered " + status);
        }
    }

    /** The URL as the log may show it: a user, a password or a query may be the receiver's own secret. */
    private static String withoutSecrets(URI uri) {
        return UriComponentsBuilder.fromUri(uri).userInfo(null).query(null).fragment(null).toUriString();
    }

    private static String hmacHex(String secret, String content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
