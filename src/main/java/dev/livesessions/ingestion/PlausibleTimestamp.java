package dev.livesessions.ingestion;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

/**
 * When a message can have been sent: from 2000 to a day ahead, as clocks differ. A time in milliseconds read as
 * seconds (JavaScript's {@code Date.now()}) lands tens of thousands of years ahead, and a float as big as a double goes
 * back to 1970: stored, either would sit in the session's audit for good. No timestamp at all is plausible: the
 * message counts as sent when it is received.
 */
@Documented
@Constraint(validatedBy = PlausibleTimestampCheck.class)
@Target(FIELD)
@Retention(RUNTIME)
@interface PlausibleTimestamp {

    String message() default "must be unix seconds or ISO-8601, from 2000 to tomorrow";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
