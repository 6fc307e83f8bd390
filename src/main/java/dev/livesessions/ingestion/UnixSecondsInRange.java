package dev.livesessions.ingestion;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * Reads an instant as Jackson's Java time module does, except a decimal number of seconds beyond what an
 * {@link Instant} holds, written as a number or as a string: that module keeps only the low 64 bits of its whole part,
 * so 2^64 + 1 700 000 000 would read as a plausible day of 2023. Such a number reads as the farthest instant on its
 * side, which the timestamp check then refuses like any date out of range.
 */
final class UnixSecondsInRange extends StdDeserializer<Instant> {

    private static final BigDecimal LARGEST = BigDecimal.valueOf(Instant.MAX.getEpochSecond());
    /** A string Jackson reads as a decimal number of seconds; the text's length is bounded by the webhook's reader. */
    private static final Pattern DECIMAL = Pattern.compile("-?[0-9]*\\.[0-9]+|-?[0-9]+\\.[0-9]*");

    UnixSecondsInRange() {
        super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        BigDecimal seconds = decimalSeconds(parser);
        if (seconds != null && seconds.abs().compareTo(LARGEST) > 0) {
            return seconds.signum() > 0 ? Instant.MAX : Instant.MIN;
        }
        return InstantDeserializer.INSTANT.deserialize(parser, context);
    }

    /** A decimal number of seconds, written as a number or, which Jackson reads alike, as a string; else null. */
    private static BigDecimal decimalSeconds(JsonParser parser) throws IOException {
        if (parser.currentToken() == JsonToken.VALUE_NUMBER_FLOAT) {
            return parser.getDecimalValue();
        }
        if (parser.currentToken() == JsonToken.VALUE_STRING) {
            String text = parser.getText().trim();
            if (DECIMAL.matcher(text).matches()) {
                return new BigDecimal(text);
            }
        }
        return null;
    }
}
