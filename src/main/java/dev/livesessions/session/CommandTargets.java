package dev.livesessions.session;

import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.modelling.command.AnnotationCommandTargetResolver;
import org.axonframework.modelling.command.CommandTargetResolver;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.axonframework.modelling.command.TargetAggregateVersion;
import org.axonframework.modelling.command.VersionedAggregateIdentifier;

import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Optional;

/**
 * Finds the session a command is for by its {@link TargetAggregateIdentifier}, as Axon's own resolver does, but looks
 * for that record component once per command type. Axon's resolver searches the command's fields and methods for the
 * annotations on every command: a tenth of a live-signal writer's time (BENCHMARKS.md, 2026-12-04). Commands that are
 * not records, or that carry a {@link TargetAggregateVersion}, are left to Axon's resolver.
 */
final class CommandTargets implements CommandTargetResolver {

    private final CommandTargetResolver annotations = AnnotationCommandTargetResolver.builder().build();
    private final ClassValue<Optional<Method>> identifiers = new ClassValue<>() {
        @Override
        protected Optional<Method> computeValue(Class<?> type) {
            RecordComponent[] components = type.getRecordComponents();
            if (components == null
                || Arrays.stream(components).anyMatch(component -> annotated(component, TargetAggregateVersion.class))) {
                return Optional.empty();
            }
            return Arrays.stream(components).filter(component -> annotated(component, TargetAggregateIdentifier.class))
                         .map(RecordComponent::getAccessor).findFirst();
        }
    };

    @Override
    public VersionedAggregateIdentifier resolveTarget(CommandMessage<?> command) {
        Object payload = command.getPayload();
        Optional<Method> identifier = identifiers.get(payload.getClass());
        if (identifier.isEmpty()) {
            return annotations.resolveTarget(command);
        }
        Object id;
        try {
            id = identifier.get().invoke(payload);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalArgumentException("Cannot read the target session of " + payload.getClass().getName(), e);
        }
        if (id == null) {
            throw new IllegalArgumentException(
                    "The @TargetAggregateIdentifier of " + payload.getClass().getSimpleName() + " is null");
        }
        return new VersionedAggregateIdentifier(id, null);
    }

    /** Axon's annotations target fields and methods: on a record component they reach its field and accessor. */
    private static boolean annotated(RecordComponent component, Class<? extends Annotation> type) {
        return component.getAccessor().isAnnotationPresent(type);
    }
}
