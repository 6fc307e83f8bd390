package dev.livesessions.ingestion;

/** A request signed by one tenant that carries another tenant's message. */
class WrongTenantException extends RuntimeException {

    WrongTenantException(String signedBy, String messageFor) {
        super("signed by tenant '" + signedBy + "' but the message is for '" + messageFor + "'");
    }
}
