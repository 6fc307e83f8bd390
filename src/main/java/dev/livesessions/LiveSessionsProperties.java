package dev.livesessions;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Every setting of the service, under {@code live-sessions.*}; README.md lists them with their environment variables.
 *
 * @param inactivityWindow a session closes after this long without a live signal, unless its tenant overrides it
 * @param inactiveHours    when set (SESSION_INACTIVE_HOURS), the inactivity window in hours, instead of the above
 * @param maxLifespan      a session closes this long after it opened, however busy; unset for no cap
 */
@Validated
@ConfigurationProperties("live-sessions")
public record LiveSessionsProperties(@NotNull @DurationMin(seconds = 1) @DefaultValue("45m")
                                     Duration inactivityWindow,
                                     @Min(1) Integer inactiveHours,
                                     @DurationMin(seconds = 1) Duration maxLifespan,
                                     @Valid @DefaultValue Cleanup cleanup,
                                     @Valid @DefaultValue Signals signals,
                                     @Valid @DefaultValue Recorder recorder,
                                     @Valid @DefaultValue Tenants tenants,
                                     @Valid @DefaultValue Webhooks webhooks,
                                     @Valid @DefaultValue WhatsApp whatsapp,
                                     @Valid @DefaultValue Security security,
                                     @Valid @DefaultValue EmbeddedDatabase embeddedDatabase) {

    /** The inactivity window of tenants that have none of their own. */
    public Duration defaultInactivityWindow() {
        return inactiveHours != null ? Duration.ofHours(inactiveHours) : inactivityWindow;
    }

    /**
     * Archiving of idle sessions, with the names of the session-cleanup guide as environment variables.
     *
     * @param enabled            automatic archiving at all (SESSION_CLEANUP_ENABLED); cleanup runs work either way
     * @param archiveAfter       a closed session idle this long is archived (SESSION_DELETE_DAYS), unless its tenant
     *                           has its own delay
     * @param autoCleanupDefault whether a new session has auto-cleanup on (SESSION_AUTO_CLEANUP_DEFAULT), unless its
     *                           tenant says otherwise
     * @param archiveNotice      how long before an automatic archive the session gives notice; 0 for none
     * @param runBatchSize       sessions a cleanup run handles per transaction
     * @param noticeRetryDelay   first delay before a notice the tenant's endpoint refused is sent again (doubling)
     * @param noticeAttempts     how often a notice is tried before it is given up
     * @param noticeTimeout      how long one delivery of a notice may take, from connecting to the end of the answer;
     *                           an endpoint still busy then has failed that attempt
     * @param noticeThreads      threads that post notices, on each node; apart from the threads of the deadlines, so
     *                           that endpoints that hang hold up no closure
     * @param runAbandonedAfter  a cleanup run still running that saved no progress for this long is shown as
     *                           abandoned: its node stopped (a batch takes seconds)
     */
    public record Cleanup(@DefaultValue("true") boolean enabled,
                          @NotNull @DurationMin(seconds = 1) @DefaultValue("30d") Duration archiveAfter,
                          @DefaultValue("true") boolean autoCleanupDefault,
                          @NotNull @DurationMin(seconds = 0) @DefaultValue("24h") Duration archiveNotice,
                          @Min(1) @Max(10_000) @DefaultValue("100") int runBatchSize,
                          @NotNull @DurationMin(seconds = 1) @DefaultValue("30s") Duration noticeRetryDelay,
                          @Min(1) @Max(50) @DefaultValue("12") int noticeAttempts,
                          @NotNull @DurationMin(seconds = 1) @DefaultValue("10s") Duration noticeTimeout,
                          @Min(1) @Max(64) @DefaultValue("4") int noticeThreads,
                          @NotNull @DurationMin(minutes = 1) @DefaultValue("10m")
                          Duration runAbandonedAfter) {

        /** The archive delay of a tenant with {@code ownDays} of its own, or without (null). */
        public Duration delayFor(Integer ownDays) {
            return ownDays != null ? Duration.ofDays(ownDays) : archiveAfter;
        }

        /** The archive notice of a tenant with its {@code own}, or without (null). */
        public Duration noticeFor(Duration own) {
            return own != null ? own : archiveNotice;
        }

        /**
         * An archive gets its whole notice while the service runs: a notice longer than the delay would hold every
         * archive back to it.
         */
        @AssertTrue(message = "archive-notice must not be longer than archive-after (SESSION_DELETE_DAYS)")
        public boolean isNoticeWithinTheArchiveDelay() {
            return archiveNotice == null || archiveAfter == null || archiveNotice.compareTo(archiveAfter) <= 0;
        }
    }

    /**
     * How inbound messages are classified.
     *
     * @param codePattern  a client's message is a live signal when its trimmed text matches this (whole) pattern
     * @param stopKeywords texts that are never live signals, compared trimmed, case- and accent-insensitively
     */
    public record Signals(@NotEmpty @CodePattern @DefaultValue("[A-Za-z]{1,3}[0-9]{1,6}") String codePattern,
                          @NotNull @DefaultValue({"STOP", "STOP ALL", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END",
                                  "QUIT", "OPT OUT", "OPTOUT", "ARRET", "ARRETER", "DESABONNER"})
                          List<String> stopKeywords) {

        /**
         * The punctuation and symbols around a stop keyword are not compared: a keyword made of nothing else ("🛑")
         * would compare as nothing, as would every message of emojis alone, which would all be STOP.
         */
        @AssertTrue(message = "each stop keyword must have a letter or a digit (the punctuation and symbols around a "
                              + "keyword are ignored)")
        public boolean isEachStopKeywordAWord() {
            return stopKeywords == null || stopKeywords.stream().allMatch(
                    keyword -> keyword != null && keyword.codePoints().anyMatch(Character::isLetterOrDigit));
        }
    }

    /**
     * The write path: live signals wait in one queue per writer, and a writer stores everything waiting in one
     * transaction.
     *
     * @param writers      writer threads; a tenant always goes to the same one
     * @param maxBatchSize most signals stored in one transaction
     * @param attempts     tries per batch before a request is answered 503 (a lost race is retried); at least 2, the
     *                     batch and then each tenant's signals on their own, so that one tenant fails no other
     * @param answerWithin how long a webhook waits for its signals' commit; past it the answer is 503 and the
     *                     provider delivers again (a duplicate, if the commit came after all)
     * @param lockTimeout  how long a write waits for a row another transaction holds (another node's write of the
     *                     same session or message) before it fails and is retried as a failed write is
     */
    public record Recorder(@Min(1) @Max(64) @DefaultValue("1") int writers,
                           @Min(1) @Max(10_000) @DefaultValue("500") int maxBatchSize,
                           @Min(2) @Max(10) @DefaultValue("3") int attempts,
                           @NotNull @DurationMin(seconds = 1) @DefaultValue("10s") Duration answerWithin,
                           @NotNull @DurationMin(millis = 10) @DurationMax(minutes = 1) @DefaultValue("500ms")
                           Duration lockTimeout) {

        /**
         * A tenant whose rows another transaction holds must not make the others of its batch miss their answer: its
         * tries wait at most half of it, which leaves the other half for the queue and the batch's own work.
         */
        @AssertTrue(message = "lock-timeout times attempts must be at most half of answer-within")
        public boolean isLockTimeoutWithinTheAnswer() {
            return lockTimeout == null || answerWithin == null
                    || lockTimeout.multipliedBy(attempts).multipliedBy(2).compareTo(answerWithin) <= 0;
        }
    }

    /**
     * The webhook endpoints.
     *
     * @param maxBodySize        larger requests to the generic webhook are refused (413) before they are read whole
     * @param signatureTolerance how far a signed request's timestamp may be from now (generic webhook)
     * @param dedupeRetention    how long a stored message id is remembered, so that a redelivery changes nothing;
     *                           at least as long as providers retry (WhatsApp: 7 days), which is the least taken
     */
    public record Webhooks(@NotNull @DefaultValue("256KB") DataSize maxBodySize,
                           @NotNull @DurationMin(seconds = 1) @DefaultValue("5m") Duration signatureTolerance,
                           @NotNull @DurationMin(days = 7) @DefaultValue("7d") Duration dedupeRetention) {

        @AssertTrue(message = MAX_BODY_SIZE_RULE)
        public boolean isMaxBodySizeWithinBounds() {
            return withinBodyBounds(maxBodySize);
        }
    }

    /**
     * The WhatsApp Cloud API webhook. Without an app secret it refuses every notification (503), since it could not
     * check their signatures.
     *
     * @param appSecret   the Meta app's secret: notifications are signed with it (X-Hub-Signature-256)
     * @param verifyToken the token typed into the Meta app's webhook settings, echoed back in the handshake
     * @param maxBodySize larger notifications are refused (413); Meta's go up to 3 MB, when it batches the messages
     *                    of a busy number (a hot live), and a refused one is sent again and again, never smaller
     * @param largeBodyTime how long a notification over the generic webhook's limit may take to arrive whole: such
     *                      bodies are read a few at a time, and one sent a byte at a time must not keep its place
     */
    public record WhatsApp(String appSecret, String verifyToken, @NotNull @DefaultValue("3MB") DataSize maxBodySize,
                           @NotNull @DurationMin(seconds = 1) @DefaultValue("15s") Duration largeBodyTime) {

        /**
         * Set to nothing, the app secret and the verify token are unset (notifications are answered 503, as without
         * them). The whitespace around them (the line break at the end of a secret's file) is dropped: no signature
         * or handshake could match it.
         */
        public WhatsApp {
            appSecret = secret(appSecret);
            verifyToken = secret(verifyToken);
        }

        @AssertTrue(message = MAX_BODY_SIZE_RULE)
        public boolean isMaxBodySizeWithinBounds() {
            return withinBodyBounds(maxBodySize);
        }

        @Override
        public String toString() {
            return "WhatsApp[appSecret=" + (appSecret == null ? "unset" : "***") + ", verifyToken="
                   + (verifyToken == null ? "unset" : "***") + "]";
        }
    }

    /**
     * The first administrator of a new install, from configuration, so that it is usable without touching the
     * database. With neither set and no account in the database, the service makes up a token for the run and logs
     * it.
     *
     * @param adminToken    a bearer token with the admin role (LIVE_SESSIONS_ADMIN_TOKEN); at least 32 characters
     * @param adminUsername a dashboard user with the admin role, created (or given this password) at start
     * @param adminPassword that user's password; at least 12 characters, at most 72 bytes in UTF-8
     */
    public record Security(String adminToken,
                           @Pattern(regexp = "[a-z0-9._-]{1,60}") String adminUsername,
                           String adminPassword) {

        /**
         * LIVE_SESSIONS_ADMIN_TOKEN, the username or the password set to nothing is none. Whitespace around the token
         * or the password (the line break at the end of a secret's file) is dropped: a caller could never send it.
         */
        public Security {
            adminToken = secret(adminToken);
            adminUsername = adminUsername == null || adminUsername.isBlank() ? null : adminUsername;
            adminPassword = secret(adminPassword);
        }

        @AssertTrue(message = "admin-username and admin-password go together")
        public boolean isAdminUserWhole() {
            return (adminUsername == null) == (adminPassword == null);
        }

        // The rules of the token and the password are checked here rather than on the values: Spring Boot's report
        // of a setting that breaks a rule on its value shows the value, and these are secrets.

        @AssertTrue(message = "the admin token must be 32 to 200 characters")
        public boolean isAdminTokenOfTheRightLength() {
            return adminToken == null || adminToken.length() >= 32 && adminToken.length() <= 200;
        }

        @AssertTrue(message = "the admin password must be at least 12 characters, and at most "
                              + BcryptPassword.MAX_BYTES + " bytes in UTF-8 (all that bcrypt reads)")
        public boolean isAdminPasswordOfTheRightLength() {
            return adminPassword == null
                   || adminPassword.length() >= 12 && BcryptPassword.Check.readWhole(adminPassword);
        }

        @Override
        public String toString() {
            return "Security[adminToken=" + (adminToken == null ? "unset" : "***") + ", adminUsername="
                   + adminUsername + ", adminPassword=" + (adminPassword == null ? "unset" : "***") + "]";
        }
    }

    /** @param cacheTtl how long ingestion may use a tenant's settings before reading them again */
    public record Tenants(@NotNull @DefaultValue("10s") Duration cacheTtl) {
    }

    /**
     * The PostgreSQL server started when no {@code spring.datasource.url} is set.
     *
     * @param dataDirectory kept between runs, so a restart keeps events, sessions and pending deadlines
     * @param port          0 picks a free port
     */
    public record EmbeddedDatabase(@NotNull @DefaultValue("data/postgres") Path dataDirectory,
                                   @Min(0) @Max(65535) @DefaultValue("0") int port) {
    }

    /** A body limit under 1 KB refuses every webhook, and one of 2 GB or more cannot be counted in an int. */
    private static final String MAX_BODY_SIZE_RULE = "max-body-size must be between 1KB and 1GB";

    private static boolean withinBodyBounds(DataSize size) {
        return size == null || size.toBytes() >= 1024 && size.toBytes() <= DataSize.ofGigabytes(1).toBytes();
    }

    /**
     * A secret as a setting gives it: set to nothing, it is not set; the whitespace around it (the line break at the
     * end of a secret's file) is dropped, as no caller could send it.
     */
    private static String secret(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
