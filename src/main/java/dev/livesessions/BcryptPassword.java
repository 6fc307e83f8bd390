package dev.livesessions;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import java.nio.charset.StandardCharsets;

import static java.lang.annotation.ElementType.ANNOTATION_TYPE;
import static java.lang.annotation.ElementType.CONSTRUCTOR;
import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.TYPE_USE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

/**
 * A password bcrypt can hash: at most 72 bytes in UTF-8. bcrypt reads no further, and Spring Security's encoder throws
 * on a longer one rather than ignore the rest, so a longer password is refused with the rule before it gets there.
 */
@Documented
@Constraint(validatedBy = BcryptPassword.Check.class)
@Target({METHOD, FIELD, ANNOTATION_TYPE, CONSTRUCTOR, PARAMETER, TYPE_USE})
@Retention(RUNTIME)
public @interface BcryptPassword {

    /** All that bcrypt reads of a password. */
    int MAX_BYTES = 72;

    String message() default "must be at most 72 bytes in UTF-8: 72 letters without accents, fewer with accents or emoji";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Check implements ConstraintValidator<BcryptPassword, String> {

        /** Whether bcrypt reads the whole of the password. */
        public static boolean readWhole(String password) {
            return password.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES;
        }

        @Override
        public boolean isValid(String password, ConstraintValidatorContext context) {
            return password == null || readWhole(password);
        }
    }
}
