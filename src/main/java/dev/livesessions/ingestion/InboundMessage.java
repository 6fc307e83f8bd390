package dev.livesessions.ingestion;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.time.Instant;

import static dev.livesessions.PrintableText.NOT_PRINTABLE;
import static dev.livesessions.PrintableText.PRINTABLE;

/**
 * A message as the generic webhook receives it, and as the WhatsApp webhook translates each of its messages.
 *
 * @param messageId     the provider's id; a redelivery carries the same id
 * @param sender        a phone number (any format), a chat handle, or a WhatsApp business-scoped user id (up to 131
 *                      characters)
 * @param text          may be empty: an empty message is simply not a live signal; a longer one than
 *                      {@value #LONGEST_TEXT} UTF-16 units is kept to its beginning
 * @param timestamp     when the provider says it was sent; optional
 * @param correlationId optional; one is generated when absent
 */
record InboundMessage(@NotBlank @Size(max = 200) @Pattern(regexp = PRINTABLE, message = NOT_PRINTABLE) String messageId,
                      @NotBlank @Size(max = 40) @Pattern(regexp = PRINTABLE, message = NOT_PRINTABLE) String tenantId,
                      @NotBlank @Size(max = 140) @Pattern(regexp = PRINTABLE, message = NOT_PRINTABLE) String sender,
                      String text,
                      @PlausibleTimestamp Instant timestamp,
                      @Size(max = 200) @Pattern(regexp = PRINTABLE, message = NOT_PRINTABLE) String correlationId) {

    /** In UTF-16 units, as Java counts. */
    static final int LONGEST_TEXT = 4096;

    InboundMessage {
        text = beginningOf(text);
    }

    /**
     * A text's first {@value #LONGEST_TEXT} UTF-16 units: WhatsApp's texts run to 4 096 characters, which in Java's
     * UTF-16 can be twice as long, and a seller's announcement may be longer still. Only a text's first few dozen
     * characters tell STOP, a code or chat, and refusing a long text would refuse its message, or WhatsApp's whole
     * notification with it.
     */
    private static String beginningOf(String text) {
        if (text == null || text.length() <= LONGEST_TEXT) {
            return text;
        }
        return text.substring(0, Character.isHighSurrogate(text.charAt(LONGEST_TEXT - 1)) ? LONGEST_TEXT - 1
                                                                                         : LONGEST_TEXT);
    }
}
