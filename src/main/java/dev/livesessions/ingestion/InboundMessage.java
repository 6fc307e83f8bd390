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
 * @param text          may be empty: an empty message is simply not a live signal
 * @param timestamp     when the provider says it was sent; optional
 * @param correlationId optional; one is generated when absent
 */
record InboundMessage(@NotBlank @Size(max = 200) @Pattern(regexp = PRINTABLE, message = NOT_PRINTABLE) String messageId,
                      @NotBlank @Size(max = 40) @Pattern(regexp = PRINTABLE, message = NOT_PRINTABLE) String tenantId,
                      @NotBlank @Size(max = 140) @Pattern(regexp = PRINTABLE, message = NOT_PRINTABLE) String sender,
                      @Size(max = LONGEST_TEXT) String text,
                      @PlausibleTimestamp Instant timestamp,
                      @Size(max = 200) @Pattern(regexp = PRINTABLE, message = NOT_PRINTABLE) String correlationId) {

    /** In UTF-16 units, as Java counts. */
    static final int LONGEST_TEXT = 4096;
}
