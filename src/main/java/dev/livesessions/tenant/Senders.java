package dev.livesessions.tenant;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One spelling per sender, so that a seller registered as {@code +33 6 12 34 56 78} is recognised when a provider
 * reports {@code 33612345678}. Phone numbers keep their digits only (an international {@code 00} prefix is dropped);
 * anything else is a handle, compared trimmed, lower-case, without a leading {@code @}.
 */
public final class Senders {

    private static final Pattern PHONE = Pattern.compile("\\+?[\\d\\s().-]{5,}");
    private static final Pattern NOT_A_DIGIT = Pattern.compile("\\D");

    private Senders() {
    }

    public static String normalize(String sender) {
        String trimmed = sender.strip();
        if (looksLikePhone(trimmed)) {
            String digits = NOT_A_DIGIT.matcher(trimmed).replaceAll("");
            return digits.startsWith("00") ? digits.substring(2) : digits;
        }
        String handle = trimmed.startsWith("@") ? trimmed.substring(1) : trimmed;
        return handle.toLowerCase(Locale.ROOT);
    }

    private static boolean looksLikePhone(String value) {
        return PHONE.matcher(value).matches() && value.chars().filter(Character::isDigit).count() >= 5;
    }
}
