package dev.livesessions.reliability;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Scenario 4. 64 senders released together post bursts of first messages over 100 tenants: every tenant receives
 * several messages at the same instant, from different senders, while it has no active session. Between bursts the
 * senders wait about one window, so that some bursts meet sessions just closed by their deadline and others sessions
 * whose window is ending (the late signal closes the old session and opens the next). "At most one active session per
 * tenant" is checked continuously on the read model while it runs, and at the end on the stream.
 */
class ConcurrencyIT extends ReliabilityScenario {

    private static final Duration WINDOW = Duration.ofSeconds(3);

    @Test
    void burstsOfFirstMessagesFromManySendersNeverGiveATenantTwoActiveSessions() throws Exception {
        int senders = mode.concurrencySenders();
        Reports.Scenario report = new Reports.Scenario("4", "4. Concurrency: bursts of first messages",
                "One node; " + senders + " senders released together by a barrier, " + mode.concurrencyBursts()
                + " bursts of " + mode.messagesPerSenderPerBurst() + " messages each over " + mode.concurrencyTenants()
                + " tenants (window " + WINDOW.toSeconds() + " s), 2–4 s apart. The sessions read model is queried "
                + "every 50 ms for a tenant with two ACTIVE sessions.");
        Postgres database = startPostgres();
        ServiceNode node = node("concurrency", database);
        node.start();
        List<String> tenants = Tenants.ids(mode.concurrencyTenants());
        createTenants(node, tenants, WINDOW);
        ReadModelWatch watch = use(new ReadModelWatch(database, Duration.ofMillis(50)));

        Ledger ledger = new Ledger();
        Load.Rotation rotation = new Load.Rotation(List.of(node));
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        Random pauses = new Random(4);
        try {
            for (int burst = 0; burst < mode.concurrencyBursts(); burst++) {
                CyclicBarrier together = new CyclicBarrier(senders);
                ConcurrentLinkedQueue<Message> notAcknowledged = new ConcurrentLinkedQueue<>();
                List<Future<?>> bursts = new ArrayList<>();
                for (int s = 0; s < senders; s++) {
                    int senderIndex = s;
                    int burstIndex = burst;
                    bursts.add(pool.submit(() -> {
                        Random random = new Random(burstIndex * 1000L + senderIndex);
                        together.await();
                        for (int k = 0; k < mode.messagesPerSenderPerBurst(); k++) {
                            String tenant = tenants.get(random.nextInt(tenants.size()));
                            Message message = new Message("concurrency-b" + burstIndex + "-s" + senderIndex + "-" + k,
                                                          tenant, "+3370001" + String.format("%04d", senderIndex),
                                                          "B" + (k + 1));
                            ledger.sending(message);
                            Sender.Answer answer = sender.deliver(node, message);
                            ledger.answered(message, answer);
                            if (!answer.acknowledged()) {
                                notAcknowledged.add(message);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> sent : bursts) {
                    sent.get();
                }
                Load.deliverUntilAcknowledged(sender, ledger, rotation, List.copyOf(notAcknowledged),
                                              Duration.ofSeconds(60));
                // About one window: sometimes the sessions have closed by then, sometimes they are just expiring.
                ServiceNode.sleep(Duration.ofMillis(2_000 + pauses.nextInt(2_000)));
            }
        } finally {
            pool.shutdownNow();
        }
        List<Message> notAcknowledgedAgain = Load.deliverUntilAcknowledged(sender, ledger, rotation,
                                                                           List.copyOf(ledger.sent()),
                                                                           Duration.ofMinutes(3));
        EventStream stream = awaitClosures(database, WINDOW.plusSeconds(30));
        watch.close();

        SoftAssertions softly = new SoftAssertions();
        checkMessages(report, ledger, stream, softly);
        int violations = checkSessions(report, database, stream, true, softly);
        report.put("read model looks (failed)", watch.looks() + " (" + watch.failedLooks() + ")")
              .put("tenants with two ACTIVE sessions in the read model", watch.violations().size())
              .put("invariant violations", violations + watch.violations().size());
        if (!watch.violations().isEmpty()) {
            report.note("read model: " + Reports.firstFew(List.copyOf(watch.violations())));
        }
        reportLateness(report, "close lateness (deadline closures)", stream.deadlineClosures());
        checkReadModels(report, node, database, softly);
        report.finish();

        softly.assertThat(watch.violations()).as("moments the read model showed two active sessions").isEmpty();
        softly.assertThat(watch.looks()).as("looks at the read model").isPositive();
        softly.assertThat(notAcknowledgedAgain).as("messages not acknowledged on the final redelivery").isEmpty();
        softly.assertThat(ledger.serverErrors()).as("5xx answers other than 503, the first: %s",
                                                   ledger.serverErrorSamples()).isZero();
        softly.assertAll();
    }
}
