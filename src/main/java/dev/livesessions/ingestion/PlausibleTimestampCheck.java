package dev.livesessions.ingestion;

import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;

import java.time.Duration;
import java.time.Instant;

/** Checks {@link PlausibleTimestamp}. */
class PlausibleTimestampCheck implements ConstraintValidator<PlausibleTimestamp, Instant> {

    private static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");

    /** Whether a message can have been sent {@code at}, seen {@code now}. */
    static boolean plausible(Instant at, Instant now) {
        return !at.isBefore(EARLIEST) && !at.isAfter(now.plus(Duration.ofDays(1)));
    }

    @Override
    public boolean isValid(Instant timestamp, ConstraintValidatorContext context) {
        return timestamp == null || plausible(timestamp, context.getClockProvider().getClock().instant());
    }
}
