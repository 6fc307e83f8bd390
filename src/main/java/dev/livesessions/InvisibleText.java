package dev.livesessions;

import java.util.function.IntPredicate;

/**
 * What cannot be seen in a text: spaces of every kind (the no-break ones that French puts before "!" too), invisible
 * format and control characters (a zero-width space, a byte-order mark, a NUL, the tag characters), variation
 * selectors, and the characters that are letters or symbols to Unicode but show nothing, which messaging apps' users
 * send as a blank message (the Hangul fillers and the blank Braille pattern).
 */
public final class InvisibleText {

    private static final String BLANK_LETTERS = "\u115F\u1160\u3164\uFFA0\u2800";

    private InvisibleText() {
    }

    /** @return the text without what cannot be seen at its ends; empty for null */
    public static String trim(String text) {
        return text == null ? "" : trim(text, InvisibleText::invisible);
    }

    /**
     * @return the text without the characters that {@code dropped} takes at its ends, read by code point: the tag
     *         characters and the variation selectors past U+FFFF are pairs of chars
     */
    public static String trim(String text, IntPredicate dropped) {
        int start = 0;
        int end = text.length();
        while (start < end && dropped.test(text.codePointAt(start))) {
            start += Character.charCount(text.codePointAt(start));
        }
        while (end > start && dropped.test(text.codePointBefore(end))) {
            end -= Character.charCount(text.codePointBefore(end));
        }
        return text.substring(start, end);
    }

    private static boolean invisible(int c) {
        int type = Character.getType(c);
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || type == Character.FORMAT
               || type == Character.CONTROL || BLANK_LETTERS.indexOf(c) >= 0 || c >= 0xFE00 && c <= 0xFE0F
               || c >= 0xE0100 && c <= 0xE01EF;
    }
}
