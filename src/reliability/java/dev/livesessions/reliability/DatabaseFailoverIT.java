package dev.livesessions.reliability;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Scenario 7. The node reaches PostgreSQL through a {@link DatabaseLink}; under load the database host is lost and
 * another takes its place at once. The node's open connections go silent, with no reset to tell it, while new ones
 * work: the node must give up the silent ones (ADR 41: a read unanswered for 30 s fails) and carry on, rather than
 * leave the threads that were waiting on them (the live-signal writer, a coordinator, the deadline poller) waiting for
 * good. Nothing acknowledged may be lost. A request that meets a silent connection waits for the read timeout, longer
 * than the senders' 20 s: such requests are counted among the answers (-2) and delivered again, not failed.
 */
class DatabaseFailoverIT extends ReliabilityScenario {

    private static final Duration WINDOW = Duration.ofSeconds(4);
    /** The read timeout the service ships with, and a margin for what follows it. */
    private static final Duration RECOVERY = Duration.ofSeconds(30 + 30);
    /** A webhook's wait for its batch as shipped (10 s), past which the writer's health is down, and a margin. */
    private static final Duration WRITER_SEEN_STALLED = Duration.ofSeconds(10 + 5);

    private volatile boolean quietTenantsStopped;

    @Test
    void whenTheDatabaseHostIsReplacedTheNodeGivesUpItsSilentConnectionsAndLosesNothing() {
        Reports.Scenario report = new Reports.Scenario("7", "7. Database host lost, another in its place",
                "One node reaching PostgreSQL through a relay; " + mode.outageSenders() + " senders at "
                + mode.outageRatePerSecond() + " messages/s over " + mode.outageTenants() + " tenants (window "
                + WINDOW.toSeconds() + " s). After 3 s every connection open through the relay goes silent (PostgreSQL "
                + "sees it end; the node sees nothing) and new connections go through. Half of the tenants are busy "
                + "throughout; the other half go quiet then, so their closures fall due while the node recovers.");
        Postgres database = startPostgres();
        DatabaseLink link = use(DatabaseLink.to(database));
        ServiceNode node = use(new ServiceNode("failover", link.jdbcUrl()));
        node.start();
        List<String> tenants = Tenants.ids(mode.outageTenants());
        createTenants(node, tenants, WINDOW);
        List<String> busy = tenants.subList(0, tenants.size() / 2);

        Ledger ledger = new Ledger();
        Load.Rotation rotation = new Load.Rotation(List.of(node));
        Load load = use(new Load(sender, ledger, rotation, mode.outageSenders(), mode.outageRatePerSecond(), n -> {
            List<String> targets = quietTenantsStopped ? busy : tenants;
            return Message.liveSignal("failover", targets.get(ThreadLocalRandom.current().nextInt(targets.size())), n);
        })).start();
        ServiceNode.sleep(Duration.ofSeconds(3));

        quietTenantsStopped = true;
        int silenced = link.failOver();
        Instant failedOverAt = Instant.now();
        // A commit PostgreSQL made just before may still be answered 200 in the first second.
        ServiceNode.sleep(Duration.ofSeconds(1));
        long acknowledgedBefore = ledger.answers(200);
        Map<String, Integer> healthWhileStalled = new TreeMap<>();
        Map<String, Integer> writerWhileStalled = new TreeMap<>();
        Duration writerFirstDown = null;
        Instant giveUpAt = failedOverAt.plus(RECOVERY);
        while (ledger.answers(200) == acknowledgedBefore && Instant.now().isBefore(giveUpAt)) {
            healthWhileStalled.merge(node.ready() ? "UP" : "not UP", 1, Integer::sum);
            String writer = node.healthOf("liveSignalWriter");
            writerWhileStalled.merge(writer, 1, Integer::sum);
            if (writerFirstDown == null && writer.equals("DOWN")) {
                writerFirstDown = Duration.between(failedOverAt, Instant.now());
            }
            ServiceNode.sleep(Duration.ofMillis(500));
        }
        boolean storedAgain = ledger.answers(200) > acknowledgedBefore;
        Duration untilStored = Duration.between(failedOverAt, Instant.now());
        boolean healthy = awaitReady(node, Duration.between(Instant.now(), giveUpAt));
        Duration untilHealthy = Duration.between(failedOverAt, Instant.now());

        ServiceNode.sleep(Duration.ofSeconds(3));
        load.stopNewMessages();
        boolean drained = load.awaitAllAcknowledged(Duration.ofSeconds(60));
        load.close();
        List<Message> notAcknowledgedAgain = Load.deliverUntilAcknowledged(sender, ledger, rotation,
                                                                           List.copyOf(ledger.sent()),
                                                                           Duration.ofMinutes(3));
        EventStream stream = awaitClosures(database, WINDOW.plusSeconds(30));

        SoftAssertions softly = new SoftAssertions();
        report.put("connections silenced", silenced)
              .put("health checks until a message was stored again", healthWhileStalled)
              .put("the writer's health at those checks (3 s each at most)", writerWhileStalled)
              .put("failover to the writer's health first seen DOWN",
                   writerFirstDown == null ? "never" : Reports.seconds(writerFirstDown))
              .put("failover to the first message stored after it (200)", Reports.seconds(untilStored))
              .put("failover to health UP", Reports.seconds(untilHealthy));
        checkMessages(report, ledger, stream, softly);
        int violations = checkSessions(report, database, stream, true, softly);
        report.put("invariant violations", violations);
        List<EventStream.Closure> dueAfterTheFailover = stream.deadlineClosures().stream()
                .filter(closure -> closure.closedAt().isAfter(failedOverAt)).toList();
        reportLateness(report, "close lateness, due after the failover", dueAfterTheFailover);
        checkReadModels(report, node, database, softly);
        report.finish();

        softly.assertThat(silenced).as("connections open through the link when it failed over").isPositive();
        softly.assertThat(storedAgain).as("a message stored within %s of the failover", RECOVERY).isTrue();
        softly.assertThat(healthy).as("health UP within %s of the failover", RECOVERY).isTrue();
        if (untilStored.compareTo(WRITER_SEEN_STALLED) > 0) {
            softly.assertThat(writerWhileStalled).as("the writer's health while nothing was stored for %s", untilStored)
                  .containsKey("DOWN");
        }
        softly.assertThat(dueAfterTheFailover).as("sessions due to close after the failover, closed").isNotEmpty();
        softly.assertThat(ledger.serverErrors()).as("5xx answers other than 503, the first: %s",
                                                   ledger.serverErrorSamples()).isZero();
        softly.assertThat(drained).as("the senders' redeliveries were all acknowledged").isTrue();
        softly.assertThat(notAcknowledgedAgain).as("messages not acknowledged on the final redelivery").isEmpty();
        softly.assertAll();
    }
}
