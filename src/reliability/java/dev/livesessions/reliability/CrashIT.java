package dev.livesessions.reliability;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Scenario 1. Under load, the service is killed with {@code kill -9} at random moments and restarted each time; the
 * senders deliver again whatever was not acknowledged and, at the end, everything once more, as providers do.
 * Then every acknowledged message id is in the stream exactly once, no tenant ever had two active sessions, and the
 * read models equal a full replay.
 */
class CrashIT extends ReliabilityScenario {

    /** Shorter than a restart: every session expires while the service is down, and is closed after. */
    private static final Duration WINDOW = Duration.ofSeconds(6);

    @Test
    void killedUnderLoadAndRestartedItLosesNothingAcknowledgedAndCountsNothingTwice() {
        Reports.Scenario report = new Reports.Scenario("1", "1. Crash: kill -9 under load, restart, redelivery",
                "One node; " + mode.crashSenders() + " senders at " + mode.crashRatePerSecond() + " messages/s over "
                + mode.crashTenants() + " tenants (hot and cold ones, window " + WINDOW.toSeconds() + " s); the node "
                + "is killed with kill -9 " + mode.crashKills() + " times, 2–6 s apart, and restarted at once. "
                + "Unacknowledged messages are redelivered until acknowledged, then every message once more.");
        Postgres database = startPostgres();
        ServiceNode node = node("crash", database);
        Duration firstStart = node.start();
        List<String> tenants = Tenants.ids(mode.crashTenants());
        createTenants(node, tenants, WINDOW);

        Ledger ledger = new Ledger();
        Load.Rotation rotation = new Load.Rotation(List.of(node));
        // Squaring a uniform number makes the first tenants hot and the last ones quiet.
        Load load = use(new Load(sender, ledger, rotation, mode.crashSenders(), mode.crashRatePerSecond(), n -> {
            double u = ThreadLocalRandom.current().nextDouble();
            return Message.liveSignal("crash", tenants.get((int) (u * u * tenants.size())), n);
        })).start();

        Random random = new Random(8);
        List<Duration> restarts = new ArrayList<>();
        for (int kill = 1; kill <= mode.crashKills(); kill++) {
            ServiceNode.sleep(Duration.ofMillis(2_000 + random.nextInt(4_000)));
            node.kill();
            rotation.remove(node);
            restarts.add(node.start());
            rotation.add(node);
        }
        ServiceNode.sleep(Duration.ofSeconds(3));
        Load.Ending ending = load.finishAndDeliverEverythingAgain();
        EventStream stream = awaitClosures(database, WINDOW.plusSeconds(30));

        SoftAssertions softly = new SoftAssertions();
        report.put("kills (kill -9)", mode.crashKills())
              .put("first start to ready", Reports.seconds(firstStart))
              .put("restart to ready after each kill", restarts.stream().map(Reports::seconds).toList())
              .put("final redelivery of every message", ending.deliveredAgain() + " messages");
        checkMessages(report, ledger, stream, softly);
        int violations = checkSessions(report, database, stream, true, softly);
        report.put("invariant violations", violations);
        reportLateness(report, "close lateness (deadline closures, incl. downtime)", stream.deadlineClosures());
        checkReadModels(report, node, database, softly);
        report.finish();

        ending.check(softly);
        softly.assertThat(ledger.serverErrors()).as("5xx answers other than 503, the first: %s",
                                                   ledger.serverErrorSamples()).isZero();
        softly.assertAll();
    }
}
