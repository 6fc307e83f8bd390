package dev.livesessions.api;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.livesessions.IntegrationTest;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.eventsourcing.EventStreamUtils;
import org.axonframework.serialization.Revision;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.upcasting.event.EventUpcaster;
import org.axonframework.serialization.upcasting.event.EventUpcasterChain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Events are a durable contract: a sample of every event type and revision, as the service stores it, is checked in
 * under src/test/resources/events and must stay readable (through the upcasters) by the service's own serializer.
 */
@IntegrationTest
class StoredEventsIntegrationTest {

    private static final Instant T = Instant.parse("2026-11-22T20:00:00Z");
    private static final Instant T_MICROS = Instant.parse("2026-11-22T20:00:00.123456Z");

    @Autowired
    Serializer serializer;
    @Autowired
    List<EventUpcaster> upcasters;

    static Stream<Arguments> samples() {
        return Stream.of(
                Arguments.of("LiveSessionCreated-1.json",
                             new LiveSessionCreated("acme.1", "acme", 1, Duration.ofMinutes(45), T, true, null)),
                Arguments.of("LiveSessionCreated-2.json",
                             new LiveSessionCreated("acme.1", "acme", 1, Duration.ofMinutes(45), T, false,
                                                    Duration.ofHours(12))),
                Arguments.of("ActivityRecorded-1.json",
                             new ActivityRecorded("acme.1", "acme", "wamid.1", SignalSource.CLIENT, "A12",
                                                  T.minusSeconds(2), T_MICROS)),
                Arguments.of("LiveSessionClosed-1.json",
                             new LiveSessionClosed("acme.1", "acme", T_MICROS.plus(Duration.ofMinutes(45)),
                                                   CloseReason.INACTIVITY)),
                Arguments.of("ArchiveScheduled-1.json",
                             new ArchiveScheduled("acme.1", "acme", T_MICROS.plus(Duration.ofDays(30)))),
                Arguments.of("ArchiveNoticeIssued-1.json",
                             new ArchiveNoticeIssued("acme.1", "acme", T_MICROS.plus(Duration.ofDays(30)),
                                                     T_MICROS.plus(Duration.ofDays(29)))),
                Arguments.of("ArchiveNoticeWithdrawn-1.json",
                             new ArchiveNoticeWithdrawn("acme.1", "acme", T_MICROS.plus(Duration.ofDays(30)),
                                                        Instant.parse("2026-12-22T19:00:00.654321Z"))),
                Arguments.of("ArchiveCancelled-1.json",
                             new ArchiveCancelled("acme.1", "acme", Instant.parse("2026-12-05T09:00:00Z"))),
                Arguments.of("SessionArchived-1.json",
                             new SessionArchived("acme.1", "acme", T_MICROS.plus(Duration.ofDays(30)),
                                                 ArchiveTrigger.AUTOMATIC)),
                Arguments.of("SessionDeleted-1.json",
                             new SessionDeleted("acme.1", "acme", Instant.parse("2026-11-23T08:00:00Z"))),
                Arguments.of("SessionRestored-1.json",
                             new SessionRestored("acme.1", "acme", Instant.parse("2026-11-24T08:00:00Z"))),
                Arguments.of("AutoCleanupChanged-1.json",
                             new AutoCleanupChanged("acme.1", "acme", false, Instant.parse("2026-11-23T09:00:00Z"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void everyStoredTypeAndRevisionIsStillReadable(String sample, Object expected) {
        String revision = sample.substring(sample.lastIndexOf('-') + 1, sample.indexOf(".json"));
        GenericDomainEventEntry<byte[]> stored = new GenericDomainEventEntry<>(
                "LiveSession", "acme.1", 0, "event-1", T, expected.getClass().getName(), revision, read(sample),
                "{\"correlationId\":\"c-1\"}".getBytes(StandardCharsets.UTF_8));

        Object read = EventStreamUtils.upcastAndDeserializeDomainEvents(Stream.of(stored), serializer,
                                                                        new EventUpcasterChain(upcasters))
                                      .next().getPayload();

        assertThat(read).isEqualTo(expected);
    }

    @Test
    void everyEventTypeHasASampleOfItsCurrentRevision() {
        List<String> expected = new ClassFileImporter().importPackages("dev.livesessions.api").stream()
                .filter(type -> type.isAssignableTo(LiveSessionEvent.class) && !type.isInterface())
                .map(type -> type.getSimpleName() + "-" + revisionOf(type) + ".json")
                .toList();
        List<String> sampled = samples().map(arguments -> (String) arguments.get()[0]).toList();

        assertThat(expected).isNotEmpty().allSatisfy(name -> assertThat(sampled).contains(name));
    }

    private static String revisionOf(JavaClass type) {
        return type.reflect().getAnnotation(Revision.class).value();
    }

    private static byte[] read(String sample) {
        try (InputStream in = StoredEventsIntegrationTest.class.getResourceAsStream("/events/" + sample)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
