package dev.livesessions.platform;

import dev.livesessions.Http;
import dev.livesessions.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.util.List;

import static dev.livesessions.Http.uniqueTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The PostgreSQL traps of Axon's JPA mapping, checked against the live schema and data. */
@IntegrationTest
class EventStoreSchemaIntegrationTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;

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

    private void storeSomeEvents() {
        Http http = new Http(port);
        String tenant = uniqueTenant("schema");
        http.createTenant(tenant, null, "+33600000000");
        for (int i = 0; i < 3; i++) {
            assertThat(http.message(tenant, "m" + i, "+33600000000", "live " + i).status()).isEqualTo(200);
        }
    }
}
