package dev.livesessions.ingestion;

import java.util.List;

/** A webhook body that is not what the endpoint accepts; {@code errors} says what is wrong with it. */
class InvalidPayloadException extends RuntimeException {

    private final List<String> errors;

    InvalidPayloadException(List<String> errors) {
        super(String.join("; ", errors));
        this.errors = List.copyOf(errors);
    }

    List<String> errors() {
        return errors;
    }
}
