package dev.livesessions;

/**
 * What cannot be seen in a text: spaces of every kind (the no-break ones that French puts before "!" too), invisible
 * format and control characters (a zero-width space, a byte-order mark, a NUL), variation selectors, and the
 * characters that are letters or symbols to Unicode but show nothing, which messaging apps' users send as a blank
 * message (the Hangul fillers and the blank Braille pattern).
 */
public final class InvisibleText {

    private static final String BLANK_LETTERS = "\u115F\u1160\u3164\uFFA0\u2800";

    private InvisibleText() {
    }

    /** @return the text without what cannot be seen at its ends; empty for null */
    public static String trim(String text) {
        if (text == null) {
            return "";
        }
        int start = 0;
        int end = text.length();
        while (start < end && invisible(text.charAt(start))) {
            start++;
        }
        while (end > start && invisible(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(start, end);
    }

    private static boolean invisible(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.getType(c) == Character.FORMAT
               || Character.getType(c) == Character.CONTROL || BLANK_LETTERS.indexOf(c) >= 0
               || c >= '\uFE00' && c <= '\uFE0F';
    }
}
