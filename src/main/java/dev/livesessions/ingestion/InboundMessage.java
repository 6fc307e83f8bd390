package dev.livesessions.ingestion;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import java.time.Instant;

/**
 * A message as a messaging provider (or a bridge in front of one) posts it.
 *
 * @param messageId     the provider's id; a redelivery carries the same id
 * @param sender        a phone number (any format) or a chat handle
 * @param text          may be empty: an empty message is simply not a live signal
 * @param timestamp     when the provider says it was sent; optional
 * @param correlationId optional; one is generated when absent
 */
record InboundMessage(@NotBlank @Size(max = 200) String messageId,
                      @NotBlank @Size(max = 40) String tenantId,
                      @NotBlank @Size(max = 100) String sender,
                      @Size(max = 4096) String text,
                      Instant timestamp,
                      @Size(max = 200) String correlationId) {
}
