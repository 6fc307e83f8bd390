package dev.livesessions.ingestion;

import java.util.regex.Pattern;

/**
 * A text that may be read only so many times. A tenant's code pattern is a regular expression of its own choosing,
 * and some (such as {@code (a+)+b}) take exponential time on a short text that almost matches: matched against this,
 * such a pattern gives up instead of holding a request thread. The bound counts reads rather than time, so that a
 * busy machine never turns a real code into chat.
 */
final class BoundedText implements CharSequence {

    /** The regex engine read the text more often than any sensible pattern needs. */
    static final class Exhausted extends RuntimeException {

        Exhausted() {
            super("pattern matching read the text too often", null, false, false);
        }
    }

    private final CharSequence text;
    private final int[] readsLeft;

    private BoundedText(CharSequence text, int[] readsLeft) {
        this.text = text;
        this.readsLeft = readsLeft;
    }

    /** @return whether the whole text matches, or false when that takes more than {@code reads} character reads */
    static boolean matches(Pattern pattern, String text, int reads) {
        try {
            return pattern.matcher(new BoundedText(text, new int[] {reads})).matches();
        } catch (Exhausted e) {
            return false;
        }
    }

    @Override
    public char charAt(int index) {
        if (--readsLeft[0] < 0) {
            throw new Exhausted();
        }
        return text.charAt(index);
    }

    @Override
    public int length() {
        return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return new BoundedText(text.subSequence(start, end), readsLeft);
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
