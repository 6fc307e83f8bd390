package dev.livesessions.ingestion;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.livesessions.tenant.TenantSettings;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.List;

/**
 * The part of a WhatsApp Cloud API webhook notification that the service reads; everything else is ignored.
 * One notification can carry several entries, changes and messages, for several of the app's phone numbers.
 */
record WhatsAppNotification(@NotBlank String object,
                            @NotNull @Size(max = 100) List<@NotNull @Valid Entry> entry) {

    record Entry(@NotNull @Size(max = 100) List<@NotNull @Valid Change> changes) {
    }

    record Change(String field, @NotNull @Valid Value value) {
    }

    record Value(@Valid Metadata metadata,
                 @Size(max = 1000) List<@NotNull @Valid Message> messages,
                 @Size(max = 1000) List<Object> statuses) {
    }

    record Metadata(@JsonProperty("phone_number_id")
                    @NotBlank @Pattern(regexp = "[0-9]{1,30}", message = "must be digits") String phoneNumberId) {
    }

    /**
     * @param from       the sender's phone number, digits only; left out for a user who hides it behind a username
     * @param fromUserId the sender's business-scoped user id ({@code FR.1502576394655843}), which Meta sends with the
     *                   number, or instead of it
     * @param id         the message id ({@code wamid...}): a redelivery carries the same one
     * @param timestamp  unix seconds, as a string
     * @param type       text, interactive, button, image, ...: the ones with text are read, the others ignored
     */
    record Message(String from, @JsonProperty("from_user_id") String fromUserId, @NotBlank String id,
                   @Pattern(regexp = "[0-9]{1,12}", message = "must be unix seconds") String timestamp,
                   @NotBlank String type, Text text, Interactive interactive, Button button, Media image,
                   Media video, Media document) {

        /**
         * Who sent it, as the tenant knows them: the user id when the tenant registered it as a seller's, else the
         * phone number, else the user id; null when there is neither. Meta sends the user id with the number, or
         * instead of it once the user hides the number: a seller registered by either is recognised.
         */
        String senderAsKnownTo(TenantSettings tenant) {
            boolean hasUserId = fromUserId != null && !fromUserId.isBlank();
            if (hasUserId && tenant.isSeller(fromUserId)) {
                return fromUserId;
            }
            if (from != null && !from.isBlank()) {
                return from;
            }
            return hasUserId ? fromUserId : null;
        }
    }

    record Text(String body) {
    }

    /** A reply to an interactive message: a button or a list row; its title is what the client chose. */
    record Interactive(String type,
                       @JsonProperty("button_reply") Reply buttonReply,
                       @JsonProperty("list_reply") Reply listReply) {
    }

    record Reply(String id, String title) {
    }

    /** A quick-reply button of a template. */
    record Button(String payload, String text) {
    }

    record Media(String caption) {
    }
}
