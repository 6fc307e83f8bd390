package dev.livesessions.ingestion;

/** A live signal could not be stored; nothing of it was. The sender should deliver it again. */
class SignalsNotRecordedException extends RuntimeException {

    SignalsNotRecordedException(String reason) {
        super("Live signal not stored: " + reason);
    }

    SignalsNotRecordedException(Throwable cause) {
        super("Live signal not stored: " + cause.getMessage(), cause);
    }
}
