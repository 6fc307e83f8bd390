package dev.livesessions.session;

import dev.livesessions.Http;
import dev.livesessions.IntegrationTest;
import dev.livesessions.api.LiveSignal;
import dev.livesessions.api.OpenLiveSession;
import dev.livesessions.api.RecordActivity;
import dev.livesessions.api.RecordedSignal;
import dev.livesessions.api.SessionTerms;
import dev.livesessions.api.SignalSource;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.common.caching.Cache;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import javax.sql.DataSource;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A long live is snapshotted, reloads from its snapshot, and ignores snapshots of another shape; the snapshot does not
 * hold up the signals that triggered it.
 */
@IntegrationTest
class SnapshotIntegrationTest {

    private static final SessionTerms TERMS = new SessionTerms(Duration.ofHours(1), true, null);

    @Autowired
    CommandGateway commands;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    Cache liveSessionCache;
    @Autowired
    DataSource dataSource;

    @Test
    void aLongLiveIsSnapshottedAndReloadsFromItsSnapshotIgnoringOtherRevisions() {
        String tenant = Http.uniqueTenant("snap");
        String sessionId = tenant + ".1";
        Instant now = Instant.now();
        commands.sendAndWait(new OpenLiveSession(sessionId, tenant, 1, TERMS, List.of(signal("m0", now))));
        commands.sendAndWait(new RecordActivity(sessionId, TERMS, IntStream.rangeClosed(1, 1_100)
                .mapToObj(i -> signal("m" + i, now.plusMillis(i))).toList()));

        await().until(() -> snapshots(sessionId, "5") == 1);
        // A snapshot of an older revision, later than the real one and readable, but saying the session is closed:
        // were it used, the next signal would open the tenant's next session.
        String stale = """
                {"sessionId":"%s","tenantId":"%s","number":1,"inactivityWindow":"PT1H","maxLifespan":null,
                 "createdAt":"%s","lastActivityAt":"%s","lifecycle":"CLOSED","autoCleanup":true,"archiveAt":null}
                """.formatted(sessionId, tenant, now, now);
        jdbc.update("""
                INSERT INTO snapshot_event_entry (aggregate_identifier, sequence_number, type, event_identifier,
                    time_stamp, payload_type, payload_revision, payload, meta_data)
                VALUES (?, 1102, 'LiveSession', gen_random_uuid()::text, '2026-11-22T00:00:00Z',
                        'dev.livesessions.session.LiveSession', '4', convert_to(?, 'UTF8'), NULL)
                """, sessionId, stale);
        liveSessionCache.removeAll();

        List<RecordedSignal> recorded = commands.sendAndWait(new RecordActivity(
                sessionId, TERMS, List.of(signal("after-reload", now.plusSeconds(10)))));

        assertThat(recorded).containsExactly(new RecordedSignal("after-reload", sessionId, false));
        assertThat(jdbc.queryForObject("SELECT max(sequence_number) FROM domain_event_entry WHERE "
                                               + "aggregate_identifier = ?", Long.class, sessionId)).isEqualTo(1102);
    }

    @Test
    void aSnapshotIsTakenAfterTheSignalsThatTriggeredItAreAnswered() throws Exception {
        String tenant = Http.uniqueTenant("snap");
        String sessionId = tenant + ".1";
        Instant now = Instant.now();
        commands.sendAndWait(new OpenLiveSession(sessionId, tenant, 1, TERMS, List.of(signal("m0", now))));
        try (Connection holder = dataSource.getConnection()) {
            // While this lock is held no snapshot can be stored. Taken on the thread that stores the signals, the
            // snapshot would hold their answer until the lock goes.
            holder.setAutoCommit(false);
            holder.createStatement().execute("LOCK TABLE snapshot_event_entry IN EXCLUSIVE MODE");
            try {
                CompletableFuture<List<RecordedSignal>> answer = CompletableFuture.supplyAsync(
                        () -> commands.sendAndWait(new RecordActivity(sessionId, TERMS, IntStream.rangeClosed(1, 1_100)
                                .mapToObj(i -> signal("m" + i, now.plusMillis(i))).toList())));

                assertThat(answer).succeedsWithin(Duration.ofSeconds(10)).extracting(List::size).isEqualTo(1_100);
            } finally {
                holder.rollback();
            }
        }
        await().until(() -> snapshots(sessionId, "5") == 1);
    }

    private long snapshots(String sessionId, String revision) {
        return jdbc.queryForObject("SELECT count(*) FROM snapshot_event_entry WHERE aggregate_identifier = ? "
                                           + "AND payload_revision = ?", Long.class, sessionId, revision);
    }

    private static LiveSignal signal(String messageId, Instant at) {
        return new LiveSignal(messageId, SignalSource.CLIENT, "A1", at, at, "c");
    }
}
