package dev.livesessions.ingestion;

import dev.livesessions.InvisibleText;
import dev.livesessions.LiveSessionsProperties;
import dev.livesessions.tenant.TenantSettings;
import org.springframework.stereotype.Component;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Tells live signals from STOP, empty messages and chit-chat. */
@Component
class LiveSignalClassifier {

    /** Product codes are short; longer texts are never matched, which also bounds a tenant pattern's cost. */
    private static final int LONGEST_CODE = 32;
    /**
     * A code pattern that reads a short text more often than this is pathological (a sensible one reads each
     * character a few times): the text is not a code.
     */
    private static final int MOST_READS = 100_000;
    private static final Pattern ACCENTS = Pattern.compile("\\p{M}");
    /** Spaces, and the dashes that may join a keyword's words ("opt-out", "stop-all"). */
    private static final Pattern SPACES_AND_DASHES = Pattern.compile("[\\s\\p{Z}\\p{Pd}]+");
    private static final Pattern FORMAT_CHARACTERS = Pattern.compile("\\p{Cf}");

    private final Set<String> stopKeywords;

    LiveSignalClassifier(LiveSessionsProperties properties) {
        this.stopKeywords = properties.signals().stopKeywords().stream()
                                      .map(LiveSignalClassifier::comparable)
                                      .collect(Collectors.toUnmodifiableSet());
    }

    Classification classify(TenantSettings tenant, String sender, String text) {
        String trimmed = InvisibleText.trim(text);
        if (trimmed.isEmpty()) {
            return Classification.EMPTY;
        }
        if (stopKeywords.contains(comparable(trimmed))) {
            return Classification.STOP;
        }
        if (tenant.isSeller(sender)) {
            return Classification.SELLER_MESSAGE;
        }
        return productCode(tenant, trimmed) != null ? Classification.CLIENT_CODE : Classification.CHAT;
    }

    /**
     * The product code that the text is, or null. Typed on a phone set to another script, a code may come in
     * full-width letters and digits ("Ａ１２") or with that script's digits ("A١٢"): it is also read as "A12". Only
     * those are folded: "m²" or "№5" stay what they are, and a tenant pattern written for its script's own digits
     * still matches them. Invisible format characters are not part of a code wherever they are: a keyboard may slip a
     * zero-width space or a direction mark between a Latin letter and another script's digits ("A\u200E١٢").
     */
    String productCode(TenantSettings tenant, String text) {
        String visible = FORMAT_CHARACTERS.matcher(InvisibleText.trim(text)).replaceAll("");
        if (visible.isEmpty() || visible.length() > LONGEST_CODE) {
            return null;
        }
        for (String candidate : new String[] {visible, asciiForms(visible)}) {
            if (BoundedText.matches(tenant.codePattern(), candidate, MOST_READS)) {
                return candidate.toUpperCase(Locale.ROOT);
            }
        }
        return null;
    }

    /** Full-width ASCII (U+FF01 to U+FF5E) as ASCII, and every script's decimal digits as 0 to 9. */
    private static String asciiForms(String text) {
        StringBuilder ascii = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (c >= '\uFF01' && c <= '\uFF5E') {
                ascii.append((char) (c - '\uFF01' + '!'));
            } else if (Character.isDigit(c)) {
                ascii.append((char) ('0' + Character.digit(c, 10)));
            } else {
                ascii.appendCodePoint(c);
            }
        });
        return ascii.toString();
    }

    /**
     * Upper case, accents, full-width forms, invisible characters and the punctuation around it removed, spaces and
     * dashes between words made one space: "Arrêt !", "«ＳＴＯＰ»" and "opt-out" read as "ARRET", "STOP" and "OPT OUT".
     * Each step takes time in proportion to the text, so a message of any length is compared: "STOP" padded with forty
     * "!" is still STOP.
     */
    private static String comparable(String text) {
        String visible = FORMAT_CHARACTERS.matcher(text).replaceAll("");
        String withoutAccents = ACCENTS.matcher(Normalizer.normalize(visible, Normalizer.Form.NFKD)).replaceAll("");
        String withoutPunctuation = InvisibleText.trim(withoutAccents, LiveSignalClassifier::surrounding);
        return SPACES_AND_DASHES.matcher(withoutPunctuation).replaceAll(" ").strip().toUpperCase(Locale.ROOT);
    }

    /**
     * Punctuation ({@code \p{P}}), a symbol ({@code \p{S}}) or a space: what may surround a word in any script
     * ("Stop…", "«STOP»", "🛑 stop"). Stripped by a scan from each end rather than by a pattern anchored at the end,
     * which would read a long run of punctuation once from each of its characters.
     */
    private static boolean surrounding(int c) {
        return switch (Character.getType(c)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                 Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                 Character.OTHER_PUNCTUATION, Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL,
                 Character.MODIFIER_SYMBOL, Character.OTHER_SYMBOL -> true;
            default -> Character.isWhitespace(c) || Character.isSpaceChar(c);
        };
    }
}
