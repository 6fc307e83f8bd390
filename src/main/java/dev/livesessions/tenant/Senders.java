package dev.livesessions.tenant;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One spelling per sender, so that a seller registered as {@code +33 6 12 34 56 78} is recognised when a provider
 * reports {@code 33612345678}. Phone numbers keep their digits only (an international {@code 00} prefix and a trunk
 * prefix written {@code (0)} are dropped), also in the spellings of WhatsApp bridges ({@code whatsapp:+336...},
 * {@code 336...@c.us}, {@code 336...:2@s.whatsapp.net}). WhatsApp's linked ids, which its bridges report instead of
 * the number of a user who hides it ({@code 123456789012345@lid}, {@code ...:2@lid} from a linked device), keep their
 * {@code @lid}: they are no phone number. Anything else is a handle, compared trimmed, lower-case, and spelt with a
 * leading {@code @} whether it came with one or not: a client whose handle is {@code @33612345678} is not the seller
 * whose number is {@code +33 6 12 34 56 78}. Digits alone are a phone number from 7 of them, the fewest an
 * international number has: {@code 1234} is the handle {@code @1234}. WhatsApp's business-scoped user ids
 * ({@code FR.1502576394655843}) are handles too, of up to 131 characters.
 */
public final class Senders {

    private static final PhoneNumberUtil PHONE_NUMBERS = PhoneNumberUtil.getInstance();
    private static final Pattern PHONE = Pattern.compile("\\+?[\\d\\s().-]{5,}");
    /**
     * The fewest digits of an international number. A sender of fewer (a handle of digits given without its
     * {@code @}, a short code) is no phone number a seller can have: it is compared as a handle.
     */
    private static final int SHORTEST_NUMBER = 7;
    private static final Pattern NOT_A_DIGIT = Pattern.compile("\\D");
    /** The national trunk prefix some write in international numbers ({@code +44 (0)20 ...}); it is not dialled. */
    private static final Pattern TRUNK_PREFIX = Pattern.compile("\\(\\s*0\\s*\\)");
    private static final Pattern LEADING_BRACKETS = Pattern.compile("^[(\\s]+");
    private static final Pattern HANDLE = Pattern.compile("@?[\\p{L}\\p{N}_.-]{1,64}");
    /**
     * WhatsApp's business-scoped user id, which its Cloud API sends with every message, and instead of the number of a
     * user who hides it behind a username: a two-letter country code, a dot, and up to 128 letters and digits
     * ({@code FR.1502576394655843}). It is compared as a handle, so it may run longer than one.
     */
    private static final Pattern WHATSAPP_USER_ID = Pattern.compile("@?[A-Za-z]{2}\\.[A-Za-z0-9]{1,128}");
    /**
     * How WhatsApp bridges write a number: Twilio's {@code whatsapp:} prefix, WhatsApp Web's {@code @c.us}, and the
     * {@code @s.whatsapp.net} of its protocol, with the device after a colon for a linked one.
     */
    private static final Pattern WHATSAPP_SPELLING =
            Pattern.compile("(?i)^whatsapp:|(?::\\d{1,3})?@(?:c\\.us|s\\.whatsapp\\.net)$");

    /** A WhatsApp linked id, with the device after a colon for a linked one; its digits are no phone number. */
    private static final Pattern WHATSAPP_LINKED_ID = Pattern.compile("(?i)(\\d{5,20})(?::\\d{1,3})?@lid");

    private Senders() {
    }

    public static String normalize(String sender) {
        String trimmed = plainSpaces(sender).strip();
        Matcher linkedId = WHATSAPP_LINKED_ID.matcher(trimmed);
        if (linkedId.matches()) {
            return linkedId.group(1) + "@lid";
        }
        String number = WHATSAPP_SPELLING.matcher(trimmed).replaceAll("");
        if (looksLikePhone(number)) {
            String digits = digitsOf(number);
            if (digits.length() >= SHORTEST_NUMBER) {
                return digits;
            }
        }
        String handle = trimmed.startsWith("@") ? trimmed : "@" + trimmed;
        return handle.toLowerCase(Locale.ROOT);
    }

    /** A phone number's digits, without an international {@code 00} prefix nor a trunk prefix written {@code (0)}. */
    private static String digitsOf(String number) {
        String digits = NOT_A_DIGIT.matcher(TRUNK_PREFIX.matcher(number).replaceAll("")).replaceAll("");
        return digits.startsWith("00") ? digits.substring(2) : digits;
    }

    /**
     * The other spelling WhatsApp has for some numbers, or the number itself: the ids it gives are not always the
     * numbers' E.164 form. Mexican mobiles keep the 1 after 52 that E.164 dropped in 2019 ({@code 5215512345678} for
     * {@code +52 55 1234 5678}), and older Brazilian accounts lack the 9 that mobiles gained in front of their eight
     * digits ({@code 551187654321} for {@code +55 11 98765 4321}). Either spelling may be the seller's, or the sender's.
     *
     * @param number a sender as {@link #normalize} gives it: a handle or a linked id has no other spelling
     */
    public static String otherSpelling(String number) {
        if (!allDigits(number)) {
            return number;
        }
        if (number.length() == 13 && number.startsWith("521")) {
            return "52" + number.substring(3);
        }
        if (number.length() == 12 && number.startsWith("52")) {
            return "521" + number.substring(2);
        }
        if (number.length() == 13 && number.startsWith("55") && number.charAt(4) == '9') {
            return number.substring(0, 4) + number.substring(5);
        }
        if (number.length() == 12 && number.startsWith("55") && number.charAt(4) >= '6' && number.charAt(4) <= '9') {
            return number.substring(0, 4) + "9" + number.substring(4);
        }
        return number;
    }

    /**
     * Why a seller as registered could never match a sender, or null when it can: a phone number must be in
     * international format (providers report {@code 33612345678}, never the national {@code 06 12 34 56 78}) with 7
     * to 15 digits, a WhatsApp linked id is digits then {@code @lid}, a handle is up to 64 letters, digits, dots,
     * dashes and underscores, and a WhatsApp user id is a country code, a dot, and up to 128 letters and digits.
     * Digits alone, fewer than a number has, are the handle {@link #normalize} reads in them.
     */
    static String problemWith(String seller) {
        String trimmed = plainSpaces(seller).strip();
        if (WHATSAPP_LINKED_ID.matcher(trimmed).matches()) {
            return null;
        }
        String number = WHATSAPP_SPELLING.matcher(trimmed).replaceAll("");
        if (looksLikePhone(number)) {
            String digits = digitsOf(number);
            if (digits.length() < SHORTEST_NUMBER && HANDLE.matcher(trimmed).matches()) {
                return null; // fewer digits than any number, written as a handle may be: the handle @012345
            }
            if (isNational(number)) {
                return "'" + seller + "' is a national phone number; give it in international format (+33 6 ...)";
            }
            if (digits.length() < SHORTEST_NUMBER || digits.length() > 15) {
                return "'" + seller + "' is not a phone number: international numbers have 7 to 15 digits";
            }
            String dialled = internationalForm(digits);
            if (!dialled.equals(digits)) {
                return "'" + seller + "' is not how the number is dialled from abroad (a national prefix after the "
                       + "country code?); give it as +" + dialled;
            }
            return null;
        }
        return HANDLE.matcher(trimmed).matches() || WHATSAPP_USER_ID.matcher(trimmed).matches() ? null
                : "'" + seller + "' is neither a phone number, a handle (up to 64 letters, digits, '.', '-', '_'), "
                  + "nor a WhatsApp user id";
    }

    /**
     * Written without the {@code +} or {@code 00} of an international number, before or inside an opening bracket, and
     * beginning with a trunk 0, as {@code 06 12 34 56 78}, {@code (020) 7946 0000} and {@code (0)6 12 34 56 78} do.
     */
    private static boolean isNational(String number) {
        String lead = LEADING_BRACKETS.matcher(number).replaceFirst("");
        return !lead.startsWith("+") && !lead.startsWith("00") && lead.startsWith("0");
    }

    /**
     * Whether a seller as stored is a national number: digits that begin with a trunk 0, or that keep a national
     * prefix after the country code ({@code 330612345678}), which no provider reports. Such a seller was stored before
     * these were refused, and is never recognised.
     */
    static boolean isStoredNationalNumber(String stored) {
        return allDigits(stored) && (stored.startsWith("0") || !internationalForm(stored).equals(stored));
    }

    /**
     * The number's digits as dialled from abroad, by each country's rules (Google's libphonenumber): a national
     * prefix written after the country code is dropped ({@code +33 06 ...}, {@code +44 07400 ...},
     * {@code +7 8 912 ...}), where a country that dials its 0 from abroad keeps it ({@code +39 06 ...}). The digits
     * are given back as they are when the library cannot read them as a number, or reads them as one its rules do not
     * know of (rules newer than the library's copy of them must not refuse a seller).
     */
    private static String internationalForm(String digits) {
        try {
            Phonenumber.PhoneNumber number = PHONE_NUMBERS.parse("+" + digits, "ZZ");
            return PHONE_NUMBERS.isValidNumber(number)
                    ? PHONE_NUMBERS.format(number, PhoneNumberUtil.PhoneNumberFormat.E164).substring(1) : digits;
        } catch (NumberParseException notANumber) {
            return digits;
        }
    }

    /**
     * The text with every kind of space as a plain one: a number copied from a French text comes with no-break spaces
     * (U+00A0, U+202F) between its groups, which {@link String#strip} and a pattern's {@code \s} do not take for
     * spaces.
     */
    private static String plainSpaces(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) > ' ' && Character.isSpaceChar(text.charAt(i))) {
                StringBuilder plain = new StringBuilder(text);
                for (int j = i; j < plain.length(); j++) {
                    if (Character.isSpaceChar(plain.charAt(j))) {
                        plain.setCharAt(j, ' ');
                    }
                }
                return plain.toString();
            }
        }
        return text;
    }

    private static boolean allDigits(String text) {
        return text.chars().allMatch(character -> character >= '0' && character <= '9');
    }

    private static boolean looksLikePhone(String value) {
        return PHONE.matcher(value).matches() && value.chars().filter(Character::isDigit).count() >= 5;
    }
}
