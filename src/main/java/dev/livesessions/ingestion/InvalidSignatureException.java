package dev.livesessions.ingestion;

/** A webhook request whose signature is missing, malformed, stale or wrong: it is refused and nothing is stored. */
class InvalidSignatureException extends RuntimeException {

    InvalidSignatureException(String reason) {
        super(reason);
    }
}
