package dev.livesessions.ingestion;

import java.util.regex.Pattern;

/**
 * A text that stops being readable once its time is up. A tenant's code pattern is a regular expression of its own
 * choosing, and some (such as {@code (a+)+b}) take exponential time on a short text that almost matches: matched
 * against this, such a pattern gives up instead of holding a request thread.
 */
final class TimeBoundText implements CharSequence {

    /** The regex engine read the text for too long. */
    static final class TimeUp extends RuntimeException {

        TimeUp() {
            super("pattern matching took too long", null, false, false);
        }
    }

    private final CharSequence text;
    private final long deadline;

    private TimeBoundText(CharSequence text, long deadline) {
        this.text = text;
        this.deadline = deadline;
    }

    /** @return whether the whole text matches, or false when that takes longer than {@code nanos} */
    static boolean matches(Pattern pattern, String text, long nanos) {
        try {
            return pattern.matcher(new TimeBoundText(text, System.nanoTime() + nanos)).matches();
        } catch (TimeUp e) {
            return false;
        }
    }

    @Override
    public char charAt(int index) {
        if (System.nanoTime() > deadline) {
            throw new TimeUp();
        }
        return text.charAt(index);
    }

    @Override
    public int length() {
        return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return new TimeBoundText(text.subSequence(start, end), deadline);
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
