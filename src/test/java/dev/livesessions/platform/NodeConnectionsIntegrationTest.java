package dev.livesessions.platform;

import dev.livesessions.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nodes sharing a database count each other by their connections (SegmentBalancing): each connection says its node,
 * and PostgreSQL drops those of a node that vanished within a minute rather than the system's two hours.
 */
@IntegrationTest
class NodeConnectionsIntegrationTest {

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aConnectionNamesItsNodeAndIsGivenUpSoonWhenItsNodeGoesSilent() {
        assertThat(jdbc.queryForObject("SHOW application_name", String.class)).startsWith("live-sessions-");
        assertThat(jdbc.queryForObject("SHOW tcp_keepalives_idle", String.class)).isEqualTo("30");
        assertThat(jdbc.queryForObject("SHOW tcp_keepalives_interval", String.class)).isEqualTo("10");
        assertThat(jdbc.queryForObject("SHOW tcp_keepalives_count", String.class)).isEqualTo("3");
    }
}
