package dev.livesessions;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import java.util.Optional;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

/**
 * A product code pattern the service can match messages against: a regular expression that compiles, with none of
 * the repetitions {@link NestedRepetition} refuses. The operator's global pattern is held to the rule a tenant's is.
 */
@Documented
@Constraint(validatedBy = CodePattern.Check.class)
@Target({FIELD, PARAMETER})
@Retention(RUNTIME)
public @interface CodePattern {

    String message() default "must be a regular expression";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Check implements ConstraintValidator<CodePattern, String> {

        @Override
        public boolean isValid(String regex, ConstraintValidatorContext context) {
            if (regex == null) {
                return true;
            }
            Optional<String> problem = NestedRepetition.problemWith(regex);
            problem.ifPresent(text -> {
                context.disableDefaultConstraintViolation();
                // The text is a message template: braces and dollars in it are taken literally.
                context.buildConstraintViolationWithTemplate(text.replaceAll("([{}$\\\\])", "\\\\$1"))
                       .addConstraintViolation();
            });
            return problem.isEmpty();
        }
    }
}
