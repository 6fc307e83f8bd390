package dev.livesessions.reliability;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Scenario 2. Sessions are opened, then the service is killed ({@code kill -9}) and stays down. Half of the tenants
 * have a window that ends while it is down, the other half one that ends after it is back. After the restart every
 * session is closed promptly, once, at exactly {@code lastActivityAt + window}.
 */
class DeadlinesAcrossDowntimeIT extends ReliabilityScenario {

    private static final Duration SHORT_WINDOW = Duration.ofSeconds(3);
    /** How much longer than the downtime the long window is at least: enough to cover a restart. */
    private static final Duration AFTER_RESTART = Duration.ofSeconds(40);
    /** How soon after the node is ready a closure due during the downtime must be stored. */
    private static final Duration PROMPTLY = Duration.ofSeconds(5);
    /** How late a closure due while the node runs may be stored (the deadline polling is every 500 ms). */
    private static final Duration ON_TIME = Duration.ofSeconds(3);

    @Test
    void sessionsWhoseWindowPassesWhileTheServiceIsDownAreClosedOnceAndExactlyAfterRestart() {
        Postgres database = startPostgres();
        ServiceNode node = node("downtime", database);
        Duration firstStart = node.start();
        // On a busy machine a start takes long: the long window must still end after the restart, which is checked.
        Duration afterRestart = firstStart.multipliedBy(2).compareTo(AFTER_RESTART) > 0
                ? firstStart.multipliedBy(2) : AFTER_RESTART;
        Duration longWindow = mode.downtime().plus(afterRestart).withNanos(0);
        Reports.Scenario report = new Reports.Scenario("2", "2. Deadlines across downtime",
                mode.downtimeTenants() + " tenants, half with a " + SHORT_WINDOW.toSeconds() + " s window (due while "
                + "the node is down), half with a " + longWindow.toSeconds() + " s one (due after the restart); "
                + "3 messages each, then kill -9, " + mode.downtime().toSeconds() + " s down, restart. Deadline "
                + "polling every 500 ms.");
        List<String> tenants = Tenants.ids(mode.downtimeTenants());
        List<String> dueWhileDown = tenants.subList(0, tenants.size() / 2);
        List<String> dueAfterRestart = tenants.subList(tenants.size() / 2, tenants.size());
        createTenants(node, dueWhileDown, SHORT_WINDOW);
        createTenants(node, dueAfterRestart, longWindow);

        Ledger ledger = new Ledger();
        Load.Rotation rotation = new Load.Rotation(List.of(node));
        List<Message> messages = new ArrayList<>();
        for (int n = 0; n < 3; n++) {
            for (String tenant : tenants) {
                messages.add(Message.liveSignal("downtime", tenant, n));
            }
        }
        messages.forEach(ledger::sending);
        List<Message> notAcknowledged = Load.deliverUntilAcknowledged(sender, ledger, rotation, messages,
                                                                      Duration.ofSeconds(60));
        node.kill();
        Instant killedAt = Instant.now();
        ServiceNode.sleep(mode.downtime());
        Duration restart = node.start();
        Instant readyAt = Instant.now();
        // Every window, the long ones too, must have ended before the closures are counted.
        Instant lastWindowEnd = EventStream.read(database).sessions.values().stream()
                .map(EventStream.Session::windowEnd).max(Comparator.naturalOrder()).orElse(Instant.now());
        ServiceNode.sleep(Duration.between(Instant.now(), lastWindowEnd.plusSeconds(1)));
        EventStream stream = awaitClosures(database, Duration.ofSeconds(30));

        SoftAssertions softly = new SoftAssertions();
        report.put("first start to ready", Reports.seconds(firstStart))
              .put("down (kill -9 to restart)", Reports.seconds(Duration.between(killedAt, readyAt).minus(restart)))
              .put("restart to ready", Reports.seconds(restart));
        checkMessages(report, ledger, stream, softly);
        int violations = checkSessions(report, database, stream, true, softly);
        report.put("invariant violations", violations);

        List<EventStream.Closure> dueBeforeReady = new ArrayList<>();
        List<EventStream.Closure> dueAfterReady = new ArrayList<>();
        for (EventStream.Session session : stream.sessions.values()) {
            for (EventStream.Closure closure : session.closures) {
                (closure.closedAt().isBefore(readyAt) ? dueBeforeReady : dueAfterReady).add(closure);
            }
        }
        Duration worstAfterReady = dueBeforeReady.stream()
                .map(closure -> Duration.between(readyAt, closure.storedAt()))
                .max(Comparator.naturalOrder()).orElse(Duration.ZERO);
        reportLateness(report, "close lateness, due while down (includes the downtime)", dueBeforeReady);
        report.put("closures due while down: stored after ready, worst", Reports.millis(worstAfterReady));
        reportLateness(report, "close lateness, due after the restart", dueAfterReady);
        checkReadModels(report, node, database, softly);
        report.finish();

        softly.assertThat(notAcknowledged).as("messages not acknowledged before the kill").isEmpty();
        softly.assertThat(stream.sessions).as("one session per tenant").hasSize(tenants.size());
        softly.assertThat(dueBeforeReady).as("closures due while the node was down").isNotEmpty();
        softly.assertThat(dueAfterReady).as("closures due after the restart (the long window outlasted it)")
              .isNotEmpty();
        softly.assertThat(stream.closures()).as("closures, one per session").isEqualTo(tenants.size());
        softly.assertThat(worstAfterReady).as("closures due while down, stored promptly after ready")
              .isLessThanOrEqualTo(PROMPTLY);
        softly.assertThat(dueAfterReady.stream().map(EventStream::lateness).max(Comparator.naturalOrder())
                                       .orElse(Duration.ZERO))
              .as("lateness of closures due after the restart").isLessThanOrEqualTo(ON_TIME);
        softly.assertAll();
    }
}
