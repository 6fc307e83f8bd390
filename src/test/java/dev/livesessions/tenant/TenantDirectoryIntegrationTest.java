package dev.livesessions.tenant;

import dev.livesessions.Http;
import dev.livesessions.IntegrationTest;
import dev.livesessions.LiveSessionsProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

import static dev.livesessions.Http.uniqueTenant;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tenant directory of another node on the same database: it learns of changes only from the change log. Its
 * clock runs an hour ahead, so that the changes the other tests log now are behind its look-back, and only the
 * change this test logs is news to it.
 */
@IntegrationTest
@ExtendWith(OutputCaptureExtension.class)
class TenantDirectoryIntegrationTest {

    @LocalServerPort
    int port;
    @Autowired
    TenantRepository tenants;
    @Autowired
    LiveSessionsProperties properties;
    @Autowired
    JdbcTemplate jdbc;

    /** A national number stored before such numbers were refused is never a sender's: the log says so. */
    @Test
    void aSellerStoredAsANationalNumberIsReportedWhenItsTenantIsRead(CapturedOutput output) {
        Http http = new Http(port);
        String id = uniqueTenant("national");
        http.createTenant(id, null, "+33 6 12 34 56 78");
        jdbc.update("UPDATE tenant_seller SET sender = '0612345678' WHERE tenant_id = ?", id);

        new TenantDirectory(tenants, properties, jdbc, Clock.systemUTC()).find(id);

        assertThat(output).contains("Tenant " + id + " has the seller 0612345678, a national number");
    }

    /**
     * A notice longer than the archive delay, each right when it was set (one for the tenant, the other globally, then
     * changed), would hold every archive back to the notice: the notice gives way, and the log says so.
     */
    @Test
    void aNoticeLongerThanTheArchiveDelayItMeetsGivesWay(CapturedOutput output) {
        Http http = new Http(port);
        String id = uniqueTenant("notice");
        http.createTenant(id, null, "+33 6 12 34 56 78");
        jdbc.update("UPDATE tenant SET archive_after_days = 1, archive_notice_seconds = 172800 WHERE id = ?", id);

        TenantSettings settings = new TenantDirectory(tenants, properties, jdbc, Clock.systemUTC()).find(id).get();

        assertThat(settings.archiveAfter()).isEqualTo(Duration.ofDays(1));
        assertThat(settings.archiveNotice()).isEqualTo(Duration.ofDays(1));
        assertThat(output).contains("Tenant " + id + " has an archive notice of PT48H and an archive delay of PT24H");
    }

    /** A provider posting for a tenant that is not here costs one query, not one per message. */
    @Test
    void aTenantNotFoundIsKeptAsNotFoundUntilItIsCreated() throws InterruptedException {
        Http http = new Http(port);
        String id = uniqueTenant("later");
        Clock clock = Clock.offset(Clock.systemUTC(), Duration.ofHours(1));
        TenantDirectory otherNode = new TenantDirectory(tenants, properties, jdbc, clock);
        assertThat(otherNode.find(id)).isEmpty();
        // No tenant, no secret to check the signature with.
        assertThat(http.message(id, "m1", "+33600000000", "live").status()).isEqualTo(401);

        // Created on this node: its directory forgets at once. The other node sees the row only with the change log.
        http.createTenant(id, null, "+33600000000");
        assertThat(http.message(id, "m2", "+33600000000", "live").status()).isEqualTo(200);
        Thread.sleep(properties.tenants().cacheTtl().plusMillis(500).toMillis());
        assertThat(otherNode.find(id)).as("kept as not found").isEmpty();

        jdbc.update("INSERT INTO tenant_change (tenant_id, changed_at, actor, change) "
                    + "VALUES (?, ?, 'a third node', 'created')", id, Timestamp.from(clock.instant()));
        Thread.sleep(properties.tenants().cacheTtl().plusMillis(500).toMillis()); // the change log is due to be read
        assertThat(otherNode.find(id)).map(TenantSettings::tenantId).contains(id);
    }

    /**
     * A WhatsApp message for a number no tenant has is acknowledged and dropped: a tenant set up with its number on
     * another node is taken at once, even where its id had been looked for before.
     */
    @Test
    void aWhatsAppNumberSetUpOnAnotherNodeIsTakenAtOnceWhereItsTenantWasLookedForBefore() {
        Http http = new Http(port);
        String id = uniqueTenant("number-new");
        String number = String.valueOf(400_000_000_000_000L + Math.floorMod(
                UUID.randomUUID().getLeastSignificantBits(), 100_000_000_000_000L));
        Clock clock = Clock.offset(Clock.systemUTC(), Duration.ofHours(1));
        TenantDirectory otherNode = new TenantDirectory(tenants, properties, jdbc, clock);
        assertThat(otherNode.find(id)).isEmpty();

        http.ensureWhatsAppTenant(id, number, "+1 555 000 5555");

        assertThat(otherNode.findByWhatsAppNumber(number)).map(TenantSettings::tenantId).contains(id);
    }

    /** A webhook's signature may name any text as its tenant: what no tenant id can be is not looked for, nor kept. */
    @Test
    void anIdThatNoTenantCanHaveIsNotLookedFor() {
        String id = "By_Hand-" + UUID.randomUUID().toString().substring(0, 8);
        jdbc.update("INSERT INTO tenant (id, name, created_at, updated_at, version) VALUES (?, ?, now(), now(), 0)",
                    id, "Inserted by hand");
        try {
            TenantDirectory directory = new TenantDirectory(tenants, properties, jdbc, Clock.systemUTC());

            assertThat(directory.find(id)).isEmpty();
        } finally {
            jdbc.update("DELETE FROM tenant WHERE id = ?", id);
        }
    }

    @Test
    void aWhatsAppNumberMovedToAnotherTenantGoesThereOnceTheChangeLogShowsIt() throws InterruptedException {
        Http http = new Http(port);
        String number = String.valueOf(300_000_000_000_000L + Math.floorMod(
                UUID.randomUUID().getLeastSignificantBits(), 100_000_000_000_000L));
        String from = uniqueTenant("number-from");
        String to = uniqueTenant("number-to");
        http.ensureWhatsAppTenant(from, number, "+1 555 000 3333");
        http.ensureWhatsAppTenant(to, null, "+1 555 000 4444");
        Clock clock = Clock.offset(Clock.systemUTC(), Duration.ofHours(1));
        TenantDirectory otherNode = new TenantDirectory(tenants, properties, jdbc, clock);
        assertThat(otherNode.findByWhatsAppNumber(number)).map(TenantSettings::tenantId).contains(from);

        // The number moves, on a node of its own: the rows, then the change log's lines.
        jdbc.update("UPDATE tenant SET whatsapp_phone_number_id = NULL WHERE id = ?", from);
        jdbc.update("UPDATE tenant SET whatsapp_phone_number_id = ? WHERE id = ?", number, to);
        for (String tenant : new String[] {from, to}) {
            jdbc.update("INSERT INTO tenant_change (tenant_id, changed_at, actor, change) "
                        + "VALUES (?, ?, 'a third node', 'updated whatsappPhoneNumberId')",
                        tenant, Timestamp.from(clock.instant()));
        }
        Thread.sleep(properties.tenants().cacheTtl().plusMillis(500).toMillis()); // the change log is due to be read

        assertThat(otherNode.findByWhatsAppNumber(number)).map(TenantSettings::tenantId).contains(to);
    }
}
