package dev.livesessions.reliability;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * What every scenario shares: the mode's sizes, the resources to clean up whatever happens (nodes are killed first,
 * then PostgreSQL is stopped and its data deleted), and the end-of-scenario checks of the event store and read
 * models, which put their figures in the scenario's report before asserting anything.
 */
abstract class ReliabilityScenario {

    protected final Mode mode = Mode.current();
    protected final Sender sender = new Sender();
    private final List<AutoCloseable> resources = new ArrayList<>();

    /** Registers something to close after the scenario, in reverse order of registration. */
    protected <T extends AutoCloseable> T use(T resource) {
        resources.add(resource);
        return resource;
    }

    @AfterEach
    void cleanUp() {
        List<AutoCloseable> reversed = new ArrayList<>(resources);
        Collections.reverse(reversed);
        for (AutoCloseable resource : reversed) {
            try {
                resource.close();
            } catch (Exception e) {
                System.err.println("Could not clean up " + resource + ": " + e);
            }
        }
        resources.clear();
    }

    protected Postgres startPostgres() {
        Postgres postgres = use(Postgres.start());
        Reports.postgresVersion(postgres.version());
        return postgres;
    }

    protected ServiceNode node(String name, Postgres database, String... arguments) {
        return use(new ServiceNode(name, database, arguments));
    }

    protected void createTenants(ServiceNode node, List<String> tenantIds, Duration window) {
        tenantIds.forEach(tenantId -> sender.createTenant(node, tenantId, window));
    }

    /** @return whether a message was acknowledged within the patience */
    protected static boolean awaitAcknowledgementAfter(Ledger ledger, long acknowledgedSoFar, Duration patience) {
        long start = System.nanoTime();
        while (ledger.answers(200) == acknowledgedSoFar && System.nanoTime() - start < patience.toNanos()) {
            ServiceNode.sleep(Duration.ofMillis(50));
        }
        return ledger.answers(200) > acknowledgedSoFar;
    }

    /** @return whether the node was seen ready within the patience (its health may still change after) */
    protected static boolean awaitReady(ServiceNode node, Duration patience) {
        long start = System.nanoTime();
        boolean ready;
        while (!(ready = node.ready()) && System.nanoTime() - start < patience.toNanos()) {
            ServiceNode.sleep(Duration.ofMillis(100));
        }
        return ready;
    }

    /**
     * Waits until every session whose window ends within the patience is closed (its close deadline fired), then
     * reads the stream. A session whose window had just ended when the stream was read is not yet late: the checks
     * give the deadline polling a second of slack from the read.
     */
    protected EventStream awaitClosures(Postgres database, Duration patience) {
        Instant giveUpAt = Instant.now().plus(patience);
        EventStream stream = EventStream.read(database);
        while (!stream.openWithWindowsEndingBefore(giveUpAt.minusSeconds(1)).isEmpty()
               && Instant.now().isBefore(giveUpAt)) {
            ServiceNode.sleep(Duration.ofMillis(500));
            stream = EventStream.read(database);
        }
        return stream;
    }

    /**
     * Every acknowledged message id is in the stream exactly once; nothing is in it that was not sent; a redelivery
     * of an acknowledged message is never taken as new.
     */
    protected static void checkMessages(Reports.Scenario report, Ledger ledger, EventStream stream,
                                        SoftAssertions softly) {
        Set<String> acknowledged = ledger.acknowledgedIds();
        List<String> lost = acknowledged.stream().filter(id -> stream.timesRecorded(id) == 0).sorted().toList();
        List<String> duplicated = stream.duplicatedMessageIds();
        long stored = ledger.sent().stream().filter(message -> stream.timesRecorded(message.id()) > 0).count();
        Set<String> sentIds = new java.util.HashSet<>();
        ledger.sent().forEach(message -> sentIds.add(message.id()));
        List<String> unknown = stream.recordedMessageIds.keySet().stream().filter(id -> !sentIds.contains(id))
                                                        .sorted().toList();
        report.put("messages sent (distinct ids)", ledger.sent().size())
              .put("webhook requests (with redeliveries)", ledger.requests())
              .put("answers by status (-1 no connection, -2 timeout)", ledger.statusCounts())
              .put("messages acknowledged (200)", acknowledged.size())
              .put("200 answers saying duplicate", ledger.duplicateAnswers())
              .put("messages stored (ids in the stream)", stored)
              .put("acknowledged but not stored (lost)", lost.size())
              .put("stored more than once (duplicated)", duplicated.size())
              .put("redelivery of an acknowledged id taken as new", ledger.acceptedTwice().size());
        if (!lost.isEmpty()) {
            report.note("lost: " + Reports.firstFew(lost));
        }
        if (!duplicated.isEmpty()) {
            report.note("duplicated: " + Reports.firstFew(duplicated));
        }
        softly.assertThat(lost).as("acknowledged messages missing from the stream").isEmpty();
        softly.assertThat(duplicated).as("messages recorded more than once").isEmpty();
        softly.assertThat(ledger.acceptedTwice()).as("acknowledged messages accepted again as new").isEmpty();
        softly.assertThat(unknown).as("recorded ids that were never sent").isEmpty();
        softly.assertThat(stream.metadataMismatches).as("providerMessageId different from messageId").isEmpty();
    }

    /**
     * A tenant never had two active sessions (session lives never overlap); no session closed twice; inactivity
     * closures at last activity plus the window; no activity recorded in a closed session; and, when
     * {@code allWindowsOver}, no session left open past its window.
     *
     * @return the number of invariant violations
     */
    protected static int checkSessions(Reports.Scenario report, Postgres database, EventStream stream,
                                       boolean allWindowsOver, SoftAssertions softly) {
        List<String> overlaps = stream.overlappingSessions();
        List<String> closedTwice = stream.closedMoreThanOnce();
        List<String> misplaced = stream.misplacedClosures();
        List<String> afterClosure = stream.activityAfterClosure();
        List<String> leftOpen = allWindowsOver ? stream.openPastTheirWindow() : List.of();
        report.put("events in the store", stream.events)
              .put("sessions (tenants)", stream.sessions.size() + " (" + stream.tenants().size() + ")")
              .put("closures (by the sessions' deadlines)", stream.closures() + " (" + stream.deadlineClosures().size()
                                                            + ")")
              .put("tenants with two active sessions (from the stream)", overlaps.size())
              .put("sessions closed more than once", closedTwice.size())
              .put("inactivity closures not at last activity + window", misplaced.size())
              .put("activity recorded after the session closed", afterClosure.size());
        if (allWindowsOver) {
            report.put("sessions left open past their window", leftOpen.size());
        }
        for (List<String> evidence : List.of(overlaps, closedTwice, misplaced, afterClosure, leftOpen)) {
            if (!evidence.isEmpty()) {
                report.note(Reports.firstFew(evidence));
                report.note("evidence: " + Evidence.ofTenantsIn(report, database, evidence));
            }
        }
        softly.assertThat(overlaps).as("sessions of one tenant active at the same time").isEmpty();
        softly.assertThat(closedTwice).as("sessions closed more than once").isEmpty();
        softly.assertThat(misplaced).as("closures not at last activity + window").isEmpty();
        softly.assertThat(afterClosure).as("activity after closure").isEmpty();
        softly.assertThat(leftOpen).as("sessions never closed").isEmpty();
        return overlaps.size() + closedTwice.size() + misplaced.size() + afterClosure.size() + leftOpen.size();
    }

    /** The lateness of the deadline closures (stored time minus last activity + window): median and worst. */
    protected static void reportLateness(Reports.Scenario report, String measure, List<EventStream.Closure> closures) {
        if (closures.isEmpty()) {
            report.put(measure, "no closure");
            return;
        }
        List<Duration> lateness = closures.stream().map(EventStream::lateness).sorted(Comparator.naturalOrder())
                                          .toList();
        report.put(measure, "median " + Reports.millis(lateness.get(lateness.size() / 2)) + ", worst "
                            + Reports.millis(lateness.get(lateness.size() - 1)) + " (" + lateness.size()
                            + " closures)");
    }

    /**
     * Waits until the read models have taken every event (their counts match the stream's), then asks the node to
     * rebuild them in memory from the stream and compare: there must be no difference. The stream is read again at
     * each look: a session whose window ended within the last second may still close meanwhile.
     */
    protected void checkReadModels(Reports.Scenario report, ServiceNode node, Postgres database,
                                   SoftAssertions softly) {
        long giveUpAt = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        boolean caughtUp = false;
        while (!caughtUp && System.nanoTime() < giveUpAt) {
            EventStream stream = EventStream.read(database);
            long activities = stream.sessions.values().stream().mapToLong(session -> session.activities).sum();
            long closed = stream.sessions.values().stream().filter(session -> !session.closures.isEmpty()).count();
            var row = database.rows("""
                    SELECT count(*) AS sessions, coalesce(sum(seller_messages + client_codes), 0) AS messages,
                           count(closed_at) AS closed FROM live_session""").get(0);
            caughtUp = ((Number) row.get("sessions")).longValue() == stream.sessions.size()
                       && ((Number) row.get("messages")).longValue() == activities
                       && ((Number) row.get("closed")).longValue() == closed;
            if (!caughtUp) {
                ServiceNode.sleep(Duration.ofMillis(250));
            }
        }
        // A tenant whose events move on while it is compared (an archive notice or an archive falling due, as they do
        // in the soak for 2 minutes after its last closures) is left out: the comparison is made again until none is,
        // for 3 minutes at most.
        Sender.Verification verification = verifyReadModels(node);
        for (long stopTryingAt = System.nanoTime() + Duration.ofMinutes(3).toNanos();
             verification.tenantsLeftOut() > 0 && System.nanoTime() < stopTryingAt; ) {
            ServiceNode.sleep(Duration.ofSeconds(1));
            verification = verifyReadModels(node);
        }
        List<String> differences = verification.differences();
        report.put("read models caught up with the stream", caughtUp)
              .put("read models vs full replay (sessions compared, tenants left out, differences)",
                   List.of(verification.sessionsCompared(), verification.tenantsLeftOut(),
                           verification.differenceCount()));
        if (!differences.isEmpty()) {
            report.note("read model differences: " + Reports.firstFew(differences));
            report.note("evidence: " + Evidence.ofTenantsIn(report, database, differences));
        }
        softly.assertThat(caughtUp).as("the read models caught up with the stream").isTrue();
        softly.assertThat(verification.sessionsCompared()).as("sessions the replay compared").isPositive();
        softly.assertThat(verification.tenantsLeftOut()).as("tenants the replay left out, after 3 minutes of tries")
              .isZero();
        softly.assertThat(verification.differenceCount()).as("differences between the read models and a replay: %s",
                                                             differences).isZero();
    }

    private Sender.Verification verifyReadModels(ServiceNode node) {
        try {
            return sender.verifyReadModels(node);
        } catch (RuntimeException e) {
            return new Sender.Verification(0, 0, 1, List.of("the verification request failed: " + e.getMessage()));
        }
    }
}
