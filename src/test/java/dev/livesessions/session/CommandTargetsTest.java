package dev.livesessions.session;

import dev.livesessions.api.ArchiveIfIdle;
import dev.livesessions.api.ChangeAutoCleanup;
import dev.livesessions.api.CloseIfInactive;
import dev.livesessions.api.CloseLiveSession;
import dev.livesessions.api.DeleteSession;
import dev.livesessions.api.OpenLiveSession;
import dev.livesessions.api.RecordActivity;
import dev.livesessions.api.RestoreSession;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.modelling.command.AnnotationCommandTargetResolver;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.axonframework.modelling.command.TargetAggregateVersion;
import org.axonframework.modelling.command.VersionedAggregateIdentifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The resolver finds the same session as Axon's annotation resolver, for every command the sessions handle. */
class CommandTargetsTest {

    private static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");

    private final CommandTargets targets = new CommandTargets();

    static Stream<Object> sessionCommands() {
        return Stream.of(new OpenLiveSession("shop.1", "shop", 1, null, List.of()),
                         new RecordActivity("shop.2", null, List.of()),
                         new CloseIfInactive("shop.3", NOW, Duration.ofMinutes(45)),
                         new CloseLiveSession("shop.4", NOW),
                         new ArchiveIfIdle("shop.5", NOW, Duration.ofDays(30)),
                         new ChangeAutoCleanup("shop.6", false, NOW),
                         new DeleteSession("shop.7", NOW),
                         new RestoreSession("shop.8", NOW));
    }

    @ParameterizedTest
    @MethodSource("sessionCommands")
    void findsTheSessionAxonsResolverFinds(Object command) {
        VersionedAggregateIdentifier target = targets.resolveTarget(GenericCommandMessage.asCommandMessage(command));

        assertThat(target).isEqualTo(AnnotationCommandTargetResolver.builder().build().resolveTarget(
                GenericCommandMessage.asCommandMessage(command)));
        assertThat(target.getIdentifier()).startsWith("shop.");
    }

    @Test
    void aCommandWithoutItsSessionIsRefused() {
        assertThatThrownBy(() -> targets.resolveTarget(GenericCommandMessage.asCommandMessage(
                new CloseLiveSession(null, NOW))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CloseLiveSession");
    }

    record Versioned(@TargetAggregateIdentifier String id, @TargetAggregateVersion long version) {
    }

    @Test
    void aCommandWithAnExpectedVersionIsLeftToAxon() {
        VersionedAggregateIdentifier target = targets.resolveTarget(GenericCommandMessage.asCommandMessage(
                new Versioned("shop.9", 4)));

        assertThat(target.getIdentifier()).isEqualTo("shop.9");
        assertThat(target.getVersion()).isEqualTo(4L);
    }
}
