package dev.livesessions.platform;

import dev.livesessions.IntegrationTest;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.statements.JdbcEventStorageEngineStatements;
import org.axonframework.eventsourcing.eventstore.jdbc.statements.ReadEventDataWithoutGapsStatementBuilder;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The processors' reads of the event stream (ADR 29), on a copy of the event table large enough for PostgreSQL's
 * planner to tell a read at the end of the stream from one over a share of it.
 */
@IntegrationTest
class StreamReadsIntegrationTest {

    private static final String PROBE_TABLE = "stream_read_probe";
    private static final int EVENTS = 100_000;
    private static final int BATCH = 100;
    /** The driver prepares a statement on the server at its fifth use, and PostgreSQL tries five custom plans. */
    private static final int READS = 20;

    @Autowired
    DataSource dataSource;

    @Test
    void readsTheSameEventsAsAxonsStatementWithAPlanPostgresqlKeepsInsteadOfPlanningEveryRead() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            try {
                fillProbeTable(connection);
                EventSchema probe = PlatformConfiguration.eventTables(PROBE_TABLE);
                long tail = EVENTS - 10;

                List<Long> byAxon = new ArrayList<>();
                List<Long> byOurs = new ArrayList<>();
                for (int i = 0; i < READS; i++) {
                    byAxon = read(connection, JdbcEventStorageEngineStatements::readEventDataWithoutGaps, probe, tail);
                    byOurs = read(connection, StreamReads::eventsAfter, probe, tail);
                }

                assertThat(byOurs).hasSize(10).isEqualTo(byAxon);
                assertThat(byOurs.get(0)).isEqualTo(tail + 1);
                // Axon's statement is planned again on every execution; ours after its first five uses the cached plan.
                List<Long> axonPlans = plans(connection, "> $1");
                List<Long> ourPlans = plans(connection, "> (SELECT $1::bigint)");
                assertThat(axonPlans.get(0)).as("generic plans of Axon's statement").isZero();
                assertThat(axonPlans.get(1)).as("custom plans of Axon's statement").isGreaterThanOrEqualTo(10);
                assertThat(ourPlans.get(0)).as("generic plans of ours").isGreaterThanOrEqualTo(10);
                assertThat(ourPlans.get(1)).as("custom plans of ours").isLessThanOrEqualTo(5);
            } finally {
                try (Statement sql = connection.createStatement()) {
                    sql.execute("DROP TABLE IF EXISTS " + PROBE_TABLE);
                }
            }
        }
    }

    private static void fillProbeTable(Connection connection) throws SQLException {
        try (Statement sql = connection.createStatement()) {
            sql.execute("CREATE TEMPORARY TABLE " + PROBE_TABLE + " (LIKE domain_event_entry INCLUDING INDEXES)");
            sql.execute("INSERT INTO " + PROBE_TABLE + " (global_index, event_identifier, aggregate_identifier, "
                        + "sequence_number, type, time_stamp, payload_type, payload) SELECT n, 'probe-' || n, "
                        + "'probe', n, 'Probe', '2026-12-05T00:00:00Z', 'Probe', '{}'::bytea "
                        + "FROM generate_series(1, " + EVENTS + ") AS n");
            sql.execute("ANALYZE " + PROBE_TABLE);
        }
    }

    private static List<Long> read(Connection connection, ReadEventDataWithoutGapsStatementBuilder statement,
                                   EventSchema schema, long after) throws SQLException {
        List<Long> positions = new ArrayList<>();
        try (PreparedStatement read = statement.build(connection, schema, after, BATCH);
             ResultSet events = read.executeQuery()) {
            while (events.next()) {
                positions.add(events.getLong("global_index"));
            }
        }
        return positions;
    }

    /** Generic and custom plans PostgreSQL made for the probe's read whose lower bound reads like this. */
    private static List<Long> plans(Connection connection, String lowerBound) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE ?")) {
            query.setString(1, "%FROM " + PROBE_TABLE + " WHERE (global_index " + lowerBound + " AND%");
            try (ResultSet plans = query.executeQuery()) {
                assertThat(plans.next()).as("the read is prepared on the server").isTrue();
                return List.of(plans.getLong(1), plans.getLong(2));
            }
        }
    }
}
