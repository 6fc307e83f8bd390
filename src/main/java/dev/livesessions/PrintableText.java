package dev.livesessions;

/**
 * What text a request may carry in ids, names, phones and URLs, for Bean Validation's {@code @Pattern}. Such text is
 * stored and compared as it came: PostgreSQL refuses NUL in text, and the driver stores half of a surrogate pair as
 * "?", so that the text read back differs from the one sent. Nothing of that kind needs a control character or half
 * a surrogate pair.
 */
public final class PrintableText {

    public static final String PRINTABLE = "[^\\p{Cntrl}\\p{Cs}]*";
    public static final String NOT_PRINTABLE = "must not contain control characters or half of a surrogate pair";

    private PrintableText() {
    }
}
