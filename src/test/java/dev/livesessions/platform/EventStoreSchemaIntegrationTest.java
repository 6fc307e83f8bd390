package dev.livesessions.platform;

import dev.livesessions.Http;
import dev.livesessions.IntegrationTest;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.ResultMessage;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.axonframework.modelling.command.ConcurrencyException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.util.List;
import java.util.UUID;

import static dev.livesessions.Http.uniqueTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The PostgreSQL traps of Axon's event store, checked against the live schema and data. */
@IntegrationTest
class EventStoreSchemaIntegrationTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EventStore events;
    @Autowired
    TransactionManager transactions;

    /** An event no handler of the service takes, so that appending it touches nothing but the store. */
    record Probe(int number) {
    }

    @Test
    void serializedPayloadsTokensAndDeadLettersAreByteaNeverLargeObjects() {
        storeSomeEvents();

        List<String> oidColumns = jdbc.queryForList(
                "SELECT table_name || '.' || column_name FROM information_schema.columns "
                        + "WHERE table_schema = 'public' AND data_type = 'oid'", String.class);
        List<String> byteaColumns = jdbc.queryForList(
                "SELECT table_name || '.' || column_name FROM information_schema.columns "
                        + "WHERE table_schema = 'public' AND data_type = 'bytea'", String.class);

        assertThat(oidColumns).isEmpty();
        assertThat(byteaColumns).contains("domain_event_entry.payload", "domain_event_entry.meta_data",
                                          "snapshot_event_entry.payload", "token_entry.token",
                                          "dead_letter_entry.payload", "dead_letter_entry.token");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM pg_largeobject_metadata", Long.class)).isZero();
        await().until(() -> jdbc.queryForObject("SELECT count(*) FROM token_entry WHERE token IS NOT NULL",
                                                Long.class) > 0);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM pg_largeobject_metadata", Long.class)).isZero();
    }

    /** See also ClosureAcrossRestartTest: the index goes on from where it stopped across a restart. */
    @Test
    void theGlobalIndexComesFromItsOwnSequenceOneNumberAtATime() {
        assertThat(jdbc.queryForObject("SELECT increment_by FROM pg_sequences "
                                               + "WHERE sequencename = 'domain_event_entry_global_index_seq'",
                                       Long.class)).isEqualTo(1);
    }

    @Test
    void theEventsOfATransactionAreNumberedByTheDatabaseInTheOrderTheyWereAppended() {
        String stream = "probe-" + UUID.randomUUID();

        appendInOneTransaction(stream, 0, 1, 2);

        List<Long> indexes = jdbc.queryForList("SELECT global_index FROM domain_event_entry "
                                                       + "WHERE aggregate_identifier = ? ORDER BY sequence_number",
                                               Long.class, stream);
        assertThat(indexes).hasSize(3).doesNotHaveDuplicates().isSorted();
    }

    @Test
    void anEventAtASequenceNumberAlreadyTakenIsAConcurrencyConflictAndItsWholeTransactionRollsBack() {
        String stream = "probe-" + UUID.randomUUID();
        appendInOneTransaction(stream, 0, 1);

        assertThatThrownBy(() -> appendInOneTransaction(stream, 2, 1)).isInstanceOf(ConcurrencyException.class);

        assertThat(jdbc.queryForList("SELECT sequence_number FROM domain_event_entry WHERE aggregate_identifier = ?",
                                     Long.class, stream)).containsExactlyInAnyOrder(0L, 1L);
    }

    private void appendInOneTransaction(String stream, int... sequenceNumbers) {
        UnitOfWork<?> unitOfWork = DefaultUnitOfWork.startAndGet(null);
        unitOfWork.attachTransaction(transactions);
        ResultMessage<?> result = unitOfWork.executeWithResult(() -> {
            for (int sequenceNumber : sequenceNumbers) {
                events.publish(new GenericDomainEventMessage<>("Probe", stream, sequenceNumber,
                                                               new Probe(sequenceNumber)));
            }
            return null;
        });
        if (result.isExceptional()) {
            throw (RuntimeException) result.exceptionResult();
        }
    }

    private void storeSomeEvents() {
        Http http = new Http(port);
        String tenant = uniqueTenant("schema");
        http.createTenant(tenant, null, "+33600000000");
        for (int i = 0; i < 3; i++) {
            assertThat(http.message(tenant, "m" + i, "+33600000000", "live " + i).status()).isEqualTo(200);
        }
    }
}
