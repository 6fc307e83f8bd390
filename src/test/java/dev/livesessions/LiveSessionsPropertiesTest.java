package dev.livesessions;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.validation.ValidationAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Settings that would break the service are refused at start, with the setting named. */
class LiveSessionsPropertiesTest {

    @Configuration
    @EnableConfigurationProperties(LiveSessionsProperties.class)
    static class Settings {
    }

    private final ApplicationContextRunner service = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Settings.class);

    @Test
    void theDefaultsAreAccepted() {
        service.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(LiveSessionsProperties.class).inactivityWindow())
                    .isEqualTo(Duration.ofMinutes(45));
        });
    }

    /** A session whose end falls at its first signal would close and open the next one without end. */
    @Test
    void aWindowOrALifespanOfNothingIsRefused() {
        refused("live-sessions.inactivity-window=0s", "inactivityWindow");
        refused("live-sessions.inactivity-window=-5m", "inactivityWindow");
        refused("live-sessions.max-lifespan=0s", "maxLifespan");
    }

    /**
     * WhatsApp redelivers for 7 days: a message id forgotten sooner would let a redelivery count its message twice.
     */
    @Test
    void messageIdsAreRememberedAtLeastAsLongAsWhatsAppRedelivers() {
        refused("live-sessions.webhooks.dedupe-retention=6d", "dedupeRetention");
        service.withPropertyValues("live-sessions.webhooks.dedupe-retention=7d")
               .run(context -> assertThat(context).hasNotFailed());
    }

    /** The global archive notice is held to the rule a tenant's is held to by the API. */
    @Test
    void anArchiveNoticeLongerThanTheArchiveDelayIsRefused() {
        service.withPropertyValues("live-sessions.cleanup.archive-notice=48h", "live-sessions.cleanup.archive-after=1d")
               .run(context -> assertThat(context).getFailure().rootCause()
                                                  .hasMessageContaining("noticeWithinTheArchiveDelay"));
        service.withPropertyValues("live-sessions.cleanup.archive-notice=48h", "live-sessions.cleanup.archive-after=2d")
               .run(context -> assertThat(context).hasNotFailed());
    }

    /** The global code pattern is held to the rules a tenant's is held to by the API. */
    @Test
    void aCodePatternThatDoesNotCompileOrRepeatsARepetitionIsRefused() {
        refused("live-sessions.signals.code-pattern=[A-Z", "is not a valid regular expression");
        refused("live-sessions.signals.code-pattern=(?:[A-Z]+[0-9])+", "must not repeat a group");
        service.withPropertyValues("live-sessions.signals.code-pattern=#[0-9]{3}")
               .run(context -> assertThat(context).hasNotFailed());
    }

    /** A stop keyword of symbols alone would be compared as nothing, and so would every message of emojis alone. */
    @Test
    void aStopKeywordWithoutALetterOrADigitIsRefused() {
        refused("live-sessions.signals.stop-keywords=STOP,\uD83D\uDED1", "eachStopKeywordAWord");
        service.withPropertyValues("live-sessions.signals.stop-keywords=STOP,\uD83D\uDED1 stop")
               .run(context -> assertThat(context).hasNotFailed());
    }

    /** bcrypt reads 72 bytes; Spring Security's encoder throws on more, which would stop the service at start. */
    @Test
    void anAdminPasswordLongerThanBcryptReadsIsRefused() {
        refused("live-sessions.security.admin-password=" + "a".repeat(73), "adminPassword");
        refused("live-sessions.security.admin-password=" + "é".repeat(37), "adminPassword");
        service.withPropertyValues("live-sessions.security.admin-username=root",
                                   "live-sessions.security.admin-password=" + "a".repeat(72))
               .run(context -> assertThat(context).hasNotFailed());
    }

    /**
     * Values the service would start with and then refuse every request by (every live signal answered 503, every
     * signature stale, every body too large), or archive every session as it closes. A duration without a unit is
     * milliseconds, a size without one bytes: "10" is 10 ms.
     */
    @Test
    void limitsThatWouldRefuseEveryRequestOrArchiveAtOnceAreRefused() {
        refused("live-sessions.recorder.answer-within=10", "answerWithin");
        refused("live-sessions.webhooks.signature-tolerance=0s", "signatureTolerance");
        refused("live-sessions.webhooks.max-body-size=256", "max-body-size must be between 1KB and 1GB");
        refused("live-sessions.whatsapp.max-body-size=3GB", "max-body-size must be between 1KB and 1GB");
        refused("live-sessions.cleanup.notice-retry-delay=-30s", "noticeRetryDelay");
        refused("live-sessions.cleanup.archive-after=0d", "archiveAfter");
        refused("live-sessions.cleanup.archive-notice=-1h", "archiveNotice");
        // One try would leave no second to try each tenant's signals apart: one tenant would fail every other.
        refused("live-sessions.recorder.attempts=1", "attempts");
        // Each try of a tenant whose rows another transaction holds waits that long, while the others' answers wait.
        refused("live-sessions.recorder.lock-timeout=2s", "lock-timeout times attempts");
        service.withPropertyValues("live-sessions.recorder.answer-within=1s", "live-sessions.recorder.attempts=2",
                                   "live-sessions.recorder.lock-timeout=250ms",
                                   "live-sessions.webhooks.signature-tolerance=1s",
                                   "live-sessions.webhooks.max-body-size=1KB",
                                   "live-sessions.whatsapp.max-body-size=1GB",
                                   "live-sessions.cleanup.archive-after=1s", "live-sessions.cleanup.archive-notice=0s")
               .run(context -> assertThat(context).hasNotFailed());
    }

    /**
     * A secret mounted as a file ends with a line break, which no login form nor Authorization header can carry; set to
     * nothing (a Compose variable left empty), a secret is not set.
     */
    @Test
    void theAdminTokenAndPasswordAreTakenWithoutTheWhitespaceAroundThem() {
        String token = "a-token-of-thirty-two-characters";
        withSecrets(token + "\n", " a-long-password\r\n").run(context -> {
            LiveSessionsProperties.Security security = context.getBean(LiveSessionsProperties.class).security();
            assertThat(security.adminToken()).isEqualTo(token);
            assertThat(security.adminPassword()).isEqualTo("a-long-password");
        });
        withSecrets(token.substring(1) + "\n", "a-long-password").run(context -> assertThat(context).getFailure()
                .rootCause().hasMessageContaining("adminToken"));
        withSecrets("", " ").run(context -> {
            LiveSessionsProperties.Security security = context.getBean(LiveSessionsProperties.class).security();
            assertThat(security.adminToken()).isNull();
            assertThat(security.adminPassword()).isNull();
        });
    }

    /** A dashboard admin needs both its username and its password; one without the other stops the service at once. */
    @Test
    void anAdminUsernameWithoutItsPasswordIsRefused() {
        refused("live-sessions.security.admin-username=root", "admin-username and admin-password go together");
        withSecrets("a-token-of-thirty-two-characters", "")
                .withPropertyValues("live-sessions.security.admin-username=root")
                .run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining("go together"));
        service.withPropertyValues("live-sessions.security.admin-username=")
               .run(context -> assertThat(context).hasNotFailed());
    }

    /** Spring Boot's report of a setting that breaks a rule shows the value it was given: never a secret's. */
    @Test
    void aSecretThatBreaksItsRuleIsNotShownInTheReport() {
        String shortToken = "a-token-much-too-short";
        String shortPassword = "pass-word";
        withSecrets(shortToken, shortPassword).run(context -> assertThat(context).getFailure().rootCause()
                .hasMessageContaining("the admin token must be 32 to 200 characters")
                .hasMessageContaining("the admin password must be at least 12 characters")
                .message().doesNotContain(shortToken).doesNotContain(shortPassword));
    }

    /** So are WhatsApp's app secret and verify token; set to nothing, they are not set. */
    @Test
    void whatsAppsSecretsAreTakenWithoutTheWhitespaceAroundThemAndEmptyIsUnset() {
        withWhatsAppSecrets("an-app-secret\n", " a-verify-token\r\n").run(context -> {
            LiveSessionsProperties.WhatsApp whatsApp = context.getBean(LiveSessionsProperties.class).whatsapp();
            assertThat(whatsApp.appSecret()).isEqualTo("an-app-secret");
            assertThat(whatsApp.verifyToken()).isEqualTo("a-verify-token");
        });
        withWhatsAppSecrets("", " ").run(context -> {
            LiveSessionsProperties.WhatsApp whatsApp = context.getBean(LiveSessionsProperties.class).whatsapp();
            assertThat(whatsApp.appSecret()).isNull();
            assertThat(whatsApp.verifyToken()).isNull();
        });
    }

    private ApplicationContextRunner withWhatsAppSecrets(String appSecret, String verifyToken) {
        return service.withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
                new MapPropertySource("secrets", Map.of("live-sessions.whatsapp.app-secret", appSecret,
                                                        "live-sessions.whatsapp.verify-token", verifyToken))));
    }

    /**
     * The admin token and password as a file or an environment variable gives them, without trimming anything; a
     * password comes with its username, as it must.
     */
    private ApplicationContextRunner withSecrets(String adminToken, String adminPassword) {
        Map<String, Object> secrets = new HashMap<>(Map.of("live-sessions.security.admin-token", adminToken,
                                                           "live-sessions.security.admin-password", adminPassword));
        if (!adminPassword.isBlank()) {
            secrets.put("live-sessions.security.admin-username", "root");
        }
        return service.withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
                new MapPropertySource("secrets", secrets)));
    }

    private void refused(String setting, String named) {
        service.withPropertyValues(setting).run(context -> assertThat(context).getFailure()
                .rootCause().hasMessageContaining(named));
    }
}
