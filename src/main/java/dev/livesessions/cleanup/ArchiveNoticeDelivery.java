package dev.livesessions.cleanup;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import dev.livesessions.LiveSessionsProperties;
import dev.livesessions.cleanup.ArchiveNotices.ArchiveNotice;
import dev.livesessions.tenant.TenantDirectory;
import dev.livesessions.tenant.TenantSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Delivers archive notices to tenants: a JSON POST to the tenant's notification URL, signed like the generic webhook
 * ({@code X-Live-Sessions-Signature: tenant=<id>,t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">} with the
 * tenant's webhook secret). Anything but a 2xx is retried with a doubling delay, then given up and counted. A notice
 * whose tenant has no notification URL or secret any more by the time it is due (or is gone) is dropped, and counted.
 */
@Configuration(proxyBeanMethods = false)
class ArchiveNoticeDelivery {

    private static final Logger logger = LoggerFactory.getLogger(ArchiveNoticeDelivery.class);

    @Bean
    OneTimeTask<String> sendArchiveNotice(TenantDirectory tenants, UnpostedNotices unposted, ObjectMapper json,
                                          MeterRegistry meters, Clock clock, LiveSessionsProperties properties) {
        LiveSessionsProperties.Cleanup cleanup = properties.cleanup();
        Duration timeout = cleanup.noticeTimeout();
        HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
        // Every outcome exists from the start at zero, so that the first notice given up is an increase alerts see.
        Counter delivered = meters.counter("live_sessions.notices", "outcome", "delivered");
        Counter givenUp = meters.counter("live_sessions.notices", "outcome", "given_up");
        Counter dropped = meters.counter("live_sessions.notices", "outcome", "dropped");
        return Tasks.oneTime(ArchiveNotices.DELIVERY, String.class)
                    // db-scheduler counts retries after the first attempt, and its backoff grows by 1.5 unless told.
                    .onFailure(new FailureHandler.MaxRetriesFailureHandler<>(
                            cleanup.noticeAttempts() - 1,
                            new FailureHandler.ExponentialBackoffFailureHandler<>(cleanup.noticeRetryDelay(), 2.0),
                            (complete, operations) -> {
                                logger.error("Gave up an archive notice after {} attempts: {}",
                                             cleanup.noticeAttempts(), complete.getExecution().taskInstance);
                                givenUp.increment();
                                notSent(unposted, read(json, (String) complete.getExecution().taskInstance.getData()),
                                        UnpostedNotices.Reason.GIVEN_UP);
                            }))
                    .execute((instance, context) -> {
                        String body = instance.getData();
                        ArchiveNotice notice = read(json, body);
                        if (ArchiveNotices.WITHDRAWAL.equals(notice.type()) && !settled(unposted, notice)) {
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
     * be tried again.
     *
     * @return false when the withdrawal is not to be sent: the notice never was
     * @throws IllegalStateException when the notice is still being sent
     */
    private static boolean settled(UnpostedNotices unposted, ArchiveNotice withdrawal) {
        Instant archiveAt = Instant.parse(withdrawal.archiveAt());
        if (unposted.forget(withdrawal.sessionId(), archiveAt)) {
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
        int status;
        try {
            status = exchange.get(timeout.toMillis(), TimeUnit.MILLISECONDS).statusCode();
        } catch (ExecutionException e) {
            throw new IllegalStateException("Archive notice to " + tenant.notificationUrl() + " failed", e.getCause());
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw new IllegalStateException("Archive notice to " + tenant.notificationUrl() + " took more than "
                                            + timeout, e);
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while sending an archive notice", e);
        }
        if (status < 200 || status > 299) {
            throw new IllegalStateException("Archive notice to " + tenant.notificationUrl() + " answered " + status);
        }
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
