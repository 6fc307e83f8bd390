package dev.livesessions.ingestion;

/**
 * A live signal could not be stored, or not in the time a webhook waits for it. The sender should deliver it again:
 * a signal stored late after all is then recognised as a duplicate.
 */
class SignalsNotRecordedException extends RuntimeException {

    SignalsNotRecordedException(String reason) {
        super("Live signal not stored: " + reason);
    }

    SignalsNotRecordedException(Throwable cause) {
        super("Live signal not stored: " + cause.getMessage(), cause);
    }
}
