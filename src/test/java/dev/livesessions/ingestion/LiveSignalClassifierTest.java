package dev.livesessions.ingestion;

import dev.livesessions.LiveSessionsProperties;
import dev.livesessions.tenant.TenantSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class LiveSignalClassifierTest {

    private static final String SELLER = "+33 6 12 34 56 78";
    private static final String CLIENT = "+33 7 00 00 00 01";

    /** The service's defaults, bound as Spring binds them. */
    private final LiveSessionsProperties defaults = new Binder(new MapConfigurationPropertySource(Map.of()))
            .bindOrCreate("live-sessions", LiveSessionsProperties.class);
    private final LiveSignalClassifier classifier = new LiveSignalClassifier(defaults);
    private final TenantSettings tenant = new TenantSettings("acme", Set.of("33612345678"), Duration.ofMinutes(45),
                                                             Pattern.compile(defaults.signals().codePattern()), null,
                                                             Duration.ofDays(30), true, null, null, true,
                                                             Duration.ofDays(1));

    @ParameterizedTest
    @ValueSource(strings = {"New dress A12, 20 EUR", "Live in 5 minutes!", "A12", "ok"})
    void anyNonEmptyMessageOfASellerIsALiveSignal(String text) {
        assertThat(classifier.classify(tenant, SELLER, text)).isEqualTo(Classification.SELLER_MESSAGE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"A12", "a12", " b7 ", "ABC123456", "Z1", "A12\u00A0", "\u200BA12", "\uFF21\uFF11\uFF12",
            "A\u0661\u0662", "A\u0967\u0968", "A\u200B12", "A\u200E\u0661\u0662"})
    void aClientsProductCodeIsALiveSignal(String text) {
        assertThat(classifier.classify(tenant, CLIENT, text)).isEqualTo(Classification.CLIENT_CODE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"hello", "merci2", "A12 please", "12", "A", "is A12 still available?", "A1234567", "m\u00B2",
            "x\u00B3", "\u21165", "A\u2460\u2461", "\u216B1"})
    void aClientsOrdinaryChatIsNot(String text) {
        assertThat(classifier.classify(tenant, CLIENT, text)).isEqualTo(Classification.CHAT);
    }

    @Test
    @Timeout(10)
    void aTenantPatternThatBacktracksForeverGivesUpAndTheTextIsNotACode() {
        TenantSettings pathological = new TenantSettings("acme", Set.of(), Duration.ofMinutes(45),
                                                         Pattern.compile("(a+)+b"), null, Duration.ofDays(30), true,
                                                         null, null, true, Duration.ofDays(1));

        // Unbounded, this match backtracks about 2^30 times: minutes of a request thread.
        assertThat(classifier.classify(pathological, CLIENT, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"))
                .isEqualTo(Classification.CHAT);
        assertThat(classifier.classify(pathological, CLIENT, "aab")).isEqualTo(Classification.CLIENT_CODE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"STOP", "stop", " Stop. ", "STOP ALL", "stop  all!", "Arrêt", "ARRET !", "unsubscribe",
            "Arrêt\u202F!", "STOP\u00A0", "\uFEFFstop", "stop\u00A0all", "sto\u200Bp", "Stop\u2026", "STOP\uFF01",
            "Stop\u3002", "stop \u203C", "Stop\u00BB", "STOP \uD83D\uDED1", "\u00ABSTOP\u00BB", "\u00A1Stop!", "(stop)",
            "\"STOP\"", "\uD83D\uDED1 STOP", "\uFF33\uFF34\uFF2F\uFF30", "...stop", "opt-out", "Stop-all",
            "Opt\u2013out",
            "STOP!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
            "STOP \uD83D\uDED1\uD83D\uDED1\uD83D\uDED1\uD83D\uDED1\uD83D\uDED1\uD83D\uDED1\uD83D\uDED1\uD83D\uDED1"
            + "\uD83D\uDED1\uD83D\uDED1\uD83D\uDED1\uD83D\uDED1\uD83D\uDED1\uD83D\uDED1\uD83D\uDED1\uD83D\uDED1"
            + "\uD83D\uDED1\uD83D\uDED1\uD83D\uDED1\uD83D\uDED1"})
    void stopAndItsVariantsAreNeverLiveSignalsEvenFromASeller(String text) {
        assertThat(classifier.classify(tenant, SELLER, text)).isEqualTo(Classification.STOP);
        assertThat(classifier.classify(tenant, CLIENT, text)).isEqualTo(Classification.STOP);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "   ", "\n\t", "\u00A0", "\u200B", "\u202F \uFEFF", "\u3164", "\u115F\u1160",
                            "\uFFA0", "\u2800", "\u0000", "\u0007 \u001B", "\uFE0F", "\uDB40\uDC20", "\uDB40\uDD00",
                            "\uD834\uDD73 \uDB40\uDC7F"})
    void anEmptyMessageIsNot(String text) {
        assertThat(classifier.classify(tenant, SELLER, text)).isEqualTo(Classification.EMPTY);
    }

    @Test
    void aTenantsOwnCodePatternReplacesTheDefault() {
        TenantSettings numbered = new TenantSettings("acme", Set.of(), Duration.ofMinutes(45),
                                                     Pattern.compile("#\\d{3}"), null, Duration.ofDays(30),
                                                     true, null, null, true, Duration.ofDays(1));

        assertThat(classifier.classify(numbered, CLIENT, "#042")).isEqualTo(Classification.CLIENT_CODE);
        assertThat(classifier.classify(numbered, CLIENT, "A12")).isEqualTo(Classification.CHAT);
    }

    @Test
    void theCodeIsRecordedInUpperCase() {
        assertThat(classifier.productCode(tenant, " b7 ")).isEqualTo("B7");
        assertThat(classifier.productCode(tenant, "\uFF41\uFF11\uFF12")).isEqualTo("A12");
        assertThat(classifier.productCode(tenant, "a\u0661\u0662")).isEqualTo("A12");
        assertThat(classifier.productCode(tenant, "A\u200B12")).isEqualTo("A12");
        TenantSettings arabicDigits = new TenantSettings("acme", Set.of(), Duration.ofMinutes(45),
                                                         Pattern.compile("[\u0660-\u0669]{3}"), null,
                                                         Duration.ofDays(30), true, null, null, true,
                                                         Duration.ofDays(1));
        assertThat(classifier.productCode(arabicDigits, "\u0661\u0662\u0663")).isEqualTo("\u0661\u0662\u0663");
        assertThat(classifier.productCode(tenant, "hello")).isNull();
    }
}
