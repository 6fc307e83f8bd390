package dev.livesessions.reliability;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Scenario 5. Two, then three service processes on one PostgreSQL behind a round-robin sender: consecutive messages
 * of a tenant land on different nodes. Tenants take turns being busy and quiet, so sessions keep closing by their
 * deadlines on whichever node picks them. Mid-run one node is killed ({@code kill -9}) and later restarted. The same
 * invariants hold as on one node; every close deadline fires once in the cluster; the read-models processor's segments
 * are claimed by more than one node; the killed node loses nothing.
 */
class SeveralNodesIT extends ReliabilityScenario {

    private static final Duration WINDOW = Duration.ofSeconds(3);
    /** Half of the tenants are busy at a time, the other half quiet for longer than a window. */
    private static final Duration TURN = Duration.ofSeconds(5);
    private static final String READ_MODELS = "read-models";

    @ParameterizedTest(name = "{0} nodes")
    @ValueSource(ints = {2, 3})
    void severalNodesOnOnePostgresLoseNothingAndCloseEachSessionOnce(int nodeCount) {
        Duration run = mode.clusterLoad();
        Reports.Scenario report = new Reports.Scenario("5-" + nodeCount, "5. Several nodes: " + nodeCount
                + " processes on one PostgreSQL", nodeCount + " nodes started together; 16 senders at "
                + mode.clusterRatePerSecond() + " messages/s, round-robin over the nodes, " + mode.clusterTenants()
                + " tenants (window " + WINDOW.toSeconds() + " s) busy and quiet in turns of " + TURN.toSeconds()
                + " s, for " + run.toSeconds() + " s. At 40 % of the run the node (other than the first) holding the "
                + "most read-model segments is killed (kill -9); it is restarted at 70 %. Token claims of the "
                + "read-models processor are sampled every 500 ms.");
        Postgres database = startPostgres();
        List<ServiceNode> nodes = new ArrayList<>();
        for (int i = 1; i <= nodeCount; i++) {
            nodes.add(node("nodes" + nodeCount + "-n" + i, database));
        }
        // The first node creates the schema; the others start together once it is there.
        Map<String, String> starts = new LinkedHashMap<>();
        starts.put(nodes.get(0).name(), Reports.seconds(nodes.get(0).start()));
        nodes.subList(1, nodeCount).stream().map(node -> CompletableFuture.supplyAsync(node::start))
             .toList().forEach(CompletableFuture::join);
        nodes.subList(1, nodeCount).forEach(node -> starts.put(node.name(), Reports.seconds(node.lastStartToReady())));
        List<String> tenants = Tenants.ids(mode.clusterTenants());
        createTenants(nodes.get(0), tenants, WINDOW);

        Map<Long, String> nodeByPid = new ConcurrentHashMap<>();
        nodes.forEach(node -> nodeByPid.put(node.pid(), node.name()));
        ClaimSampler claims = use(new ClaimSampler(database, nodeByPid));
        ReadModelWatch watch = use(new ReadModelWatch(database, Duration.ofMillis(100)));

        Ledger ledger = new Ledger();
        Load.Rotation rotation = new Load.Rotation(nodes);
        Instant loadStarted = Instant.now();
        Load load = use(new Load(sender, ledger, rotation, 16, mode.clusterRatePerSecond(), n -> {
            long turn = Duration.between(loadStarted, Instant.now()).toMillis() / TURN.toMillis();
            int tenant = 2 * ThreadLocalRandom.current().nextInt(tenants.size() / 2) + (int) (turn % 2);
            return Message.liveSignal("nodes" + nodeCount, tenants.get(tenant), n);
        })).start();

        ServiceNode.sleep(run.multipliedBy(40).dividedBy(100));
        // The victim holds read-model segments when it is killed, or their taking over would be measured on nothing.
        Holder holder = claims.awaitSegmentsHeldByOneOf(nodes.subList(1, nodeCount), Duration.ofSeconds(30));
        ServiceNode victim = holder.node();
        int victimSegments = holder.segments();
        String victimOwner = victim.pid() + "@";
        victim.kill();
        Instant killedAt = Instant.now();
        rotation.remove(victim);
        Duration segmentsTakenOver = claims.awaitNoClaimBy(victimOwner, Duration.ofSeconds(60));
        ServiceNode.sleep(Duration.between(Instant.now(), loadStarted.plus(run.multipliedBy(70).dividedBy(100))));
        Duration restart = victim.start();
        nodeByPid.put(victim.pid(), victim.name());
        rotation.add(victim);
        ServiceNode.sleep(Duration.between(Instant.now(), loadStarted.plus(run)));

        Load.Ending ending = load.finishAndDeliverEverythingAgain();
        EventStream stream = awaitClosures(database, WINDOW.plusSeconds(30));
        watch.close();
        claims.close();

        SoftAssertions softly = new SoftAssertions();
        report.put("start to ready", starts)
              .put("victim", victim.name() + ", holding " + victimSegments + " read-model segment(s)")
              .put("victim killed after", Reports.seconds(Duration.between(loadStarted, killedAt)))
              .put("victim's read-model segments claimed by others after", Reports.seconds(segmentsTakenOver))
              .put("victim restart to ready", Reports.seconds(restart));
        checkMessages(report, ledger, stream, softly);
        int violations = checkSessions(report, database, stream, true, softly);
        report.put("tenants with two ACTIVE sessions in the read model", watch.violations().size())
              .put("invariant violations", violations + watch.violations().size());
        reportLateness(report, "close lateness (deadline closures)", stream.deadlineClosures());
        report.put("read-model segments per node (samples: node=segments held)", claims.summary())
              .put("nodes that held read-model segments", claims.owners())
              .put("deadline closures counted per node (metrics of the nodes alive at the end)",
                   counterPerNode(nodes, "live_sessions_sessions_closed_total", "reason=\"inactivity\""))
              .put("write batches rolled back, per node (lost races; metrics of the nodes alive at the end)",
                   counterPerNode(nodes, "live_sessions_writer_rolled_back_total"))
              .put("signals answered 503 after 3 lost attempts, per node (log lines)",
                   logLines(nodes, line -> line.contains("Could not store")))
              .put("other ERROR log lines per node",
                   logLines(nodes, line -> line.contains(" ERROR ") && !line.contains("Could not store")
                                           && !line.contains("domain_event_entry") && !line.contains("Batch entry")));
        checkReadModels(report, nodes.get(0), database, softly);
        report.finish();

        softly.assertThat(claims.owners()).as("nodes that claimed read-model segments").hasSizeGreaterThan(1);
        softly.assertThat(victimSegments).as("read-model segments the killed node held").isPositive();
        softly.assertThat(segmentsTakenOver).as("time for the killed node's segments to be taken over")
              .isLessThan(Duration.ofSeconds(60));
        softly.assertThat(watch.violations()).as("moments the read model showed two active sessions").isEmpty();
        ending.check(softly);
        softly.assertThat(ledger.serverErrors()).as("5xx answers other than 503, the first: %s",
                                                   ledger.serverErrorSamples()).isZero();
        softly.assertAll();
    }

    /** A counter of each node alive at the end, since its last start. */
    private Map<String, String> counterPerNode(List<ServiceNode> nodes, String counter, String... labels) {
        Map<String, String> counts = new TreeMap<>();
        for (ServiceNode node : nodes) {
            if (node.isAlive()) {
                try {
                    counts.put(node.name(),
                               String.valueOf(Math.round(Sender.metric(sender.metrics(node), counter, labels))));
                } catch (RuntimeException unavailable) {
                    counts.put(node.name(), "metrics unavailable: " + unavailable.getMessage());
                }
            }
        }
        return counts;
    }

    /** How many lines of each node's logs (all its runs) match. */
    private static Map<String, Long> logLines(List<ServiceNode> nodes, Predicate<String> matching) {
        Map<String, Long> counts = new TreeMap<>();
        for (ServiceNode node : nodes) {
            try (Stream<Path> logs = Files.list(Reports.directory().resolve("logs"))) {
                long count = 0;
                for (Path log : logs.filter(path -> path.getFileName().toString().startsWith(node.name() + "-"))
                                    .toList()) {
                    try (Stream<String> lines = Files.lines(log)) {
                        count += lines.filter(matching).count();
                    }
                }
                counts.put(node.name(), count);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return counts;
    }

    /** A node and the read-model segments it held in one sample. */
    private record Holder(ServiceNode node, int segments) {
    }

    /**
     * Samples who holds the read-models processor's segments ({@code token_entry.owner}, Axon's node id
     * {@code pid@host}) every 500 ms.
     */
    private static final class ClaimSampler implements AutoCloseable {

        private final Postgres database;
        private final Map<Long, String> nodeByPid;
        private final Map<String, Integer> segmentsPerOwnerSeen = new ConcurrentHashMap<>();
        private final Map<String, Integer> sampleCounts = new ConcurrentHashMap<>();
        private final Set<String> owners = ConcurrentHashMap.newKeySet();
        private volatile List<String> lastOwners = List.of();
        private final Thread sampler;
        private volatile boolean running = true;

        ClaimSampler(Postgres database, Map<Long, String> nodeByPid) {
            this.database = database;
            this.nodeByPid = nodeByPid;
            this.sampler = new Thread(this::sample, "claim-sampler");
            sampler.setDaemon(true);
            sampler.start();
        }

        private void sample() {
            while (running) {
                try {
                    List<String> current = database.rows(
                            "SELECT owner FROM token_entry WHERE processor_name = ? ORDER BY segment", READ_MODELS)
                            .stream().map(row -> (String) row.get("owner")).toList();
                    lastOwners = current;
                    Map<String, Integer> held = new TreeMap<>();
                    current.forEach(owner -> held.merge(nodeOf(owner), 1, Integer::sum));
                    held.keySet().stream().filter(owner -> !owner.equals("nobody")).forEach(owners::add);
                    sampleCounts.merge(held.toString(), 1, Integer::sum);
                } catch (RuntimeException e) {
                    // the table is not there yet
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private String nodeOf(String owner) {
            if (owner == null) {
                return "nobody";
            }
            String pid = owner.substring(0, Math.max(0, owner.indexOf('@')));
            return pid.isEmpty() ? owner : nodeByPid.getOrDefault(Long.parseLong(pid), owner);
        }

        /**
         * Waits until one of the nodes holds a segment. @return the one holding the most in one sample, with how many
         * (none, when no node held one within the patience)
         */
        Holder awaitSegmentsHeldByOneOf(List<ServiceNode> candidates, Duration patience) {
            long start = System.nanoTime();
            while (true) {
                List<String> sample = lastOwners;
                Holder most = candidates.stream().map(node -> new Holder(node, segmentsHeldBy(node, sample)))
                                        .max(Comparator.comparingInt(Holder::segments)).orElseThrow();
                if (most.segments() > 0 || System.nanoTime() - start > patience.toNanos()) {
                    return most;
                }
                ServiceNode.sleep(Duration.ofMillis(100));
            }
        }

        private static int segmentsHeldBy(ServiceNode node, List<String> owners) {
            String ownerPrefix = node.pid() + "@";
            return (int) owners.stream().filter(owner -> owner != null && owner.startsWith(ownerPrefix)).count();
        }

        /** Waits until no segment is claimed by the given owner (prefix {@code pid@}). @return how long it took */
        Duration awaitNoClaimBy(String ownerPrefix, Duration patience) {
            long start = System.nanoTime();
            while (lastOwners.stream().anyMatch(owner -> owner != null && owner.startsWith(ownerPrefix))
                   && System.nanoTime() - start < patience.toNanos()) {
                ServiceNode.sleep(Duration.ofMillis(100));
            }
            // Claimed by nobody is not taken over yet either.
            while (lastOwners.stream().anyMatch(owner -> owner == null)
                   && System.nanoTime() - start < patience.toNanos()) {
                ServiceNode.sleep(Duration.ofMillis(100));
            }
            return Duration.ofNanos(System.nanoTime() - start);
        }

        Set<String> owners() {
            return new TreeSet<>(owners);
        }

        /** How often each distribution of segments was seen, e.g. {@code {n1=4}: 20 samples}. */
        String summary() {
            Map<String, Integer> sorted = new TreeMap<>(sampleCounts);
            return sorted.toString();
        }

        @Override
        public void close() {
            running = false;
            sampler.interrupt();
        }
    }
}
