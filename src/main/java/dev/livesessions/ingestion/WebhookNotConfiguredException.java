package dev.livesessions.ingestion;

/** A webhook that cannot check signatures because its secret is not configured: it accepts nothing. */
class WebhookNotConfiguredException extends RuntimeException {

    WebhookNotConfiguredException(String reason) {
        super(reason);
    }
}
