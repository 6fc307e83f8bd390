package dev.livesessions.ingestion;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * Reads an instant as Jackson's Java time module does, except a decimal number of seconds beyond what an
 * {@link Instant} holds: that module keeps only the low 64 bits of its whole part, so 2^64 + 1 700 000 000 would
 * read as a plausible day of 2023. Such a number reads as the farthest instant on its side, which the timestamp check
 * then refuses like any date out of range.
 */
final class UnixSecondsInRange extends StdDeserializer<Instant> {

    private static final BigDecimal LARGEST = BigDecimal.valueOf(Instant.MAX.getEpochSecond());

    UnixSecondsInRange() {
        super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        if (parser.currentToken() == JsonToken.VALUE_NUMBER_FLOAT) {
            BigDecimal seconds = parser.getDecimalValue();
            if (seconds.abs().compareTo(LARGEST) > 0) {
                return seconds.signum() > 0 ? Instant.MAX : Instant.MIN;
            }
        }
        return InstantDeserializer.INSTANT.deserialize(parser, context);
    }
}
