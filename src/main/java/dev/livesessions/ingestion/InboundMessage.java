package dev.livesessions.ingestion;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.time.Duration;
import java.time.Instant;

import static dev.livesessions.PrintableText.NOT_PRINTABLE;
import static dev.livesessions.PrintableText.PRINTABLE;

/**
 * A message as the generic webhook receives it, and as the WhatsApp webhook translates each of its messages.
 *
 * @param messageId     the provider's id; a redelivery carries the same id
 * @param sender        a phone number (any format), a chat handle, or a WhatsApp business-scoped user id (up to 131
 *                      characters)
 * @param text          may be empty: an empty message is simply not a live signal
 * @param timestamp     when the provider says it was sent; optional
 * @param correlationId optional; one is generated when absent
 */
record InboundMessage(@NotBlank @Size(max = 200) @Pattern(regexp = PRINTABLE, message = NOT_PRINTABLE) String messageId,
                      @NotBlank @Size(max = 40) @Pattern(regexp = PRINTABLE, message = NOT_PRINTABLE) String tenantId,
                      @NotBlank @Size(max = 140) @Pattern(regexp = PRINTABLE, message = NOT_PRINTABLE) String sender,
                      @Size(max = LONGEST_TEXT) String text,
                      Instant timestamp,
                      @Size(max = 200) @Pattern(regexp = PRINTABLE, message = NOT_PRINTABLE) String correlationId) {

    /** In UTF-16 units, as Java counts. */
    static final int LONGEST_TEXT = 4096;

    private static final Instant EARLIEST_TIMESTAMP = Instant.parse("2000-01-01T00:00:00Z");

    /**
     * A time in milliseconds read as seconds (JavaScript's {@code Date.now()}) lands tens of thousands of years ahead,
     * and a float as big as a double goes back to 1970: stored, either would sit in the session's audit for good.
     */
    @AssertTrue(message = "timestamp must be unix seconds or ISO-8601, from 2000 to tomorrow")
    boolean isTimestampPlausible() {
        return timestamp == null || plausible(timestamp, Instant.now());
    }

    /** Whether a message can have been sent {@code at}, seen {@code now}: from 2000 to a day ahead (clocks differ). */
    static boolean plausible(Instant at, Instant now) {
        return !at.isBefore(EARLIEST_TIMESTAMP) && !at.isAfter(now.plus(Duration.ofDays(1)));
    }
}
