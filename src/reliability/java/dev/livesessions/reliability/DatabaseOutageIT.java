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
 * Scenario 3. PostgreSQL is stopped under load and started again on the same port and data. Meanwhile webhooks answer
 * 503 (never 200 for something not stored, never another 5xx); the service recovers by itself when PostgreSQL
 * returns; the read-models processor and the close deadlines resume; nothing acknowledged is lost.
 */
class DatabaseOutageIT extends ReliabilityScenario {

    private static final Duration WINDOW = Duration.ofSeconds(4);

    private volatile boolean quietTenantsStopped;

    @Test
    void whilePostgresIsDownWebhooksAnswer503AndOnceItIsBackTheServiceRecoversAndLosesNothing() {
        Reports.Scenario report = new Reports.Scenario("3", "3. Database outage under load",
                "One node (Hikari connection timeout as shipped, 5 s); " + mode.outageSenders() + " senders at "
                + mode.outageRatePerSecond() + " messages/s over " + mode.outageTenants() + " tenants (window "
                + WINDOW.toSeconds() + " s). PostgreSQL is stopped (fast shutdown) for " + mode.outage().toSeconds()
                + " s and started again. Half of the tenants are busy throughout; a quarter go quiet when it stops "
                + "(their closures fall due during the outage); the last quarter get one message each, timed so that "
                + "their closures fall due, and run, just as it stops.");
        Postgres database = startPostgres();
        ServiceNode node = node("outage", database);
        node.start();
        List<String> tenants = Tenants.ids(mode.outageTenants());
        createTenants(node, tenants, WINDOW);
        List<String> busy = tenants.subList(0, tenants.size() / 2);
        List<String> busyThenQuiet = tenants.subList(0, tenants.size() * 3 / 4);
        List<String> dueAtTheStop = tenants.subList(tenants.size() * 3 / 4, tenants.size());

        Ledger ledger = new Ledger();
        Load.Rotation rotation = new Load.Rotation(List.of(node));
        Load load = use(new Load(sender, ledger, rotation, mode.outageSenders(), mode.outageRatePerSecond(), n -> {
            List<String> targets = quietTenantsStopped ? busy : busyThenQuiet;
            return Message.liveSignal("outage", targets.get(ThreadLocalRandom.current().nextInt(targets.size())), n);
        })).start();
        ServiceNode.sleep(Duration.ofSeconds(3));

        // Sessions whose closures fall due as PostgreSQL stops: some are executing when it goes.
        Instant opening = Instant.now();
        List<Message> openings = dueAtTheStop.stream().map(tenant -> Message.liveSignal("outage-stop", tenant, 0))
                                             .toList();
        openings.forEach(ledger::sending);
        Load.deliverUntilAcknowledged(sender, ledger, rotation, openings, Duration.ofSeconds(60));
        Instant opened = Instant.now();
        Instant due = opening.plus(Duration.between(opening, opened).dividedBy(2)).plus(WINDOW);
        // A little after the middle of their due times: the 500 ms polling has picked some of them by then.
        ServiceNode.sleep(Duration.between(Instant.now(), due.plusMillis(300)));

        quietTenantsStopped = true;
        long answered503Before = ledger.answers(503);
        database.stop();
        Instant stoppedAt = Instant.now();
        // Commits under way when the server stopped may still be answered 200 within the first second.
        ServiceNode.sleep(Duration.ofSeconds(1));
        long acknowledgedBefore = ledger.answers(200);
        Map<String, Integer> healthDuringOutage = new TreeMap<>();
        while (Duration.between(stoppedAt, Instant.now()).compareTo(mode.outage()) < 0) {
            healthDuringOutage.merge(node.ready() ? "UP" : "not UP", 1, Integer::sum);
            ServiceNode.sleep(Duration.ofMillis(500));
        }
        long acknowledgedDuringOutage = ledger.answers(200) - acknowledgedBefore;
        long answered503 = ledger.answers(503) - answered503Before;
        database.startAgain();
        Instant restartedAt = Instant.now();
        boolean storedAgain = awaitAcknowledgementAfter(ledger, ledger.answers(200), Duration.ofSeconds(60));
        Duration untilStored = Duration.between(restartedAt, Instant.now());
        boolean healthyAgain = awaitReady(node, Duration.ofSeconds(60).minus(untilStored));
        Duration untilHealthy = Duration.between(restartedAt, Instant.now());

        int notUpAfterUp = 0;
        for (Instant until = Instant.now().plusSeconds(5); Instant.now().isBefore(until); ) {
            // Once health was UP again: otherwise that failure is reported already.
            notUpAfterUp += healthyAgain && !node.ready() ? 1 : 0;
            ServiceNode.sleep(Duration.ofMillis(250));
        }
        load.stopNewMessages();
        boolean drained = load.awaitAllAcknowledged(Duration.ofSeconds(60));
        load.close();
        List<Message> neverAcknowledged = Load.deliverUntilAcknowledged(
                sender, ledger, rotation, ledger.unacknowledged(), Duration.ofSeconds(60));
        List<Message> finalRound = List.copyOf(ledger.sent());
        List<Message> notAcknowledgedAgain = Load.deliverUntilAcknowledged(sender, ledger, rotation, finalRound,
                                                                           Duration.ofMinutes(3));
        EventStream stream = awaitClosures(database, WINDOW.plusSeconds(30));

        SoftAssertions softly = new SoftAssertions();
        report.put("outage", Reports.seconds(Duration.between(stoppedAt, restartedAt)))
              .put("503 answers during the outage", answered503)
              .put("200 answers during the outage (after its first second)", acknowledgedDuringOutage)
              .put("health checks during the outage", healthDuringOutage)
              .put("PostgreSQL back to first message stored (200)", Reports.seconds(untilStored))
              .put("PostgreSQL back to health UP", Reports.seconds(untilHealthy))
              .put("health checks not UP in the 5 s after it", notUpAfterUp);
        checkMessages(report, ledger, stream, softly);
        int violations = checkSessions(report, database, stream, true, softly);
        report.put("invariant violations", violations);
        List<EventStream.Closure> afterOutage = stream.deadlineClosures().stream()
                .filter(closure -> closure.closedAt().isAfter(stoppedAt) && closure.closedAt().isBefore(restartedAt))
                .toList();
        reportLateness(report, "close lateness, due during the outage", afterOutage);
        reportLateness(report, "close lateness, due as PostgreSQL stopped", stream.sessions.values().stream()
                .filter(session -> dueAtTheStop.contains(session.tenantId))
                .flatMap(session -> session.closures.stream()).toList());
        checkReadModels(report, node, database, softly);
        report.finish();

        softly.assertThat(storedAgain).as("a message stored within 60 s of PostgreSQL's return").isTrue();
        softly.assertThat(healthyAgain).as("health UP within 60 s of PostgreSQL's return").isTrue();
        softly.assertThat(notUpAfterUp).as("health checks not UP in the 5 s after it was UP again").isZero();
        softly.assertThat(answered503).as("503 answers while PostgreSQL was down").isPositive();
        softly.assertThat(ledger.answers(Sender.TIMED_OUT)).as("requests not answered within 20 s").isZero();
        softly.assertThat(acknowledgedDuringOutage).as("200 answers while PostgreSQL was down").isZero();
        softly.assertThat(ledger.serverErrors()).as("5xx answers other than 503, the first: %s",
                                                   ledger.serverErrorSamples()).isZero();
        softly.assertThat(ledger.answers(Sender.CONNECTION_FAILED)).as("refused connections (the node went down)")
              .isZero();
        softly.assertThat(afterOutage).as("sessions due to close during the outage, closed after it").isNotEmpty();
        softly.assertThat(drained).as("the senders' redeliveries were all acknowledged").isTrue();
        softly.assertThat(neverAcknowledged).as("messages never acknowledged").isEmpty();
        softly.assertThat(notAcknowledgedAgain).as("messages not acknowledged on the final redelivery").isEmpty();
        softly.assertAll();
    }
}
