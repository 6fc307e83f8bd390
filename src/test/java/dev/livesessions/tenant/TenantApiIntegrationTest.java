package dev.livesessions.tenant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.persistence.EntityManagerFactory;
import org.hibernate.SessionFactory;
import org.hibernate.stat.Statistics;
import dev.livesessions.Http;
import dev.livesessions.IntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.livesessions.Http.uniqueTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@IntegrationTest
class TenantApiIntegrationTest {

    /** {@code live-sessions.tenants.cache-ttl} in the tests' settings. */
    private static final Duration CACHE_TTL = Duration.ofSeconds(1);

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    TenantRepository tenantRows;
    @Autowired
    TenantRegistry registry;
    @Autowired
    EntityManagerFactory database;

    private Http http;

    @BeforeEach
    void setUp() {
        http = new Http(port);
    }

    /**
     * Two admins create the same id at once, on two nodes: both find it free, and the second to store it must fail
     * (409) rather than write over the first tenant, its webhook secret included.
     */
    @Test
    void aTenantStoredAsNewUnderAnIdTakenMeanwhileIsRefusedNotWrittenOver() {
        String id = uniqueTenant("twice");
        http.createTenant(id, "PT30M", "+33600000001");
        // The version a first insert gives: the merge used before wrote over such a row without a word.
        jdbc.update("UPDATE tenant SET version = 0 WHERE id = ?", id);

        Tenant theOtherAdmins = new Tenant(id, Instant.now());
        theOtherAdmins.update(new TenantFields("The other admin's", Set.of(), Duration.ofMinutes(10), null, null,
                                               null, null, null, null, null, null), Instant.now());

        assertThatThrownBy(() -> tenantRows.save(theOtherAdmins)).isInstanceOf(DataIntegrityViolationException.class);
        assertThat(http.get("/api/tenants/" + id).body().get("inactivityWindow").asText()).isEqualTo("PT30M");
        assertThat(jdbc.queryForObject("SELECT webhook_secret FROM tenant WHERE id = ?", String.class, id))
                .isEqualTo(Http.secretOf(id));
    }

    @Test
    void aTenantIsCreatedReadListedAndUpdated() {
        String id = uniqueTenant("acme");
        Http.Response created = http.createTenant(id, "PT30M", "+33 6 12 34 56 78", "@Shop.Owner");

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.body().get("sellerPhones").toString()).isEqualTo("[\"33612345678\",\"@shop.owner\"]");
        assertThat(created.body().get("inactivityWindow").asText()).isEqualTo("PT30M");
        assertThat(http.get("/api/tenants/" + id).body().get("name").asText()).isEqualTo("Tenant " + id);
        assertThat(http.get("/api/tenants").body().findValuesAsText("id")).contains(id);

        Http.Response updated = http.put("/api/tenants/" + id, Map.of(
                "name", "Acme Live", "sellerPhones", List.of("+33 7 00 00 00 02"), "codePattern", "#\\d{3}"));

        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.body().get("name").asText()).isEqualTo("Acme Live");
        assertThat(updated.body().get("inactivityWindow").isNull()).isTrue();
        assertThat(updated.body().get("codePattern").asText()).isEqualTo("#\\d{3}");
        assertThat(http.message(id, "m1", "+33700000002", "hello").body().get("classification").asText())
                .isEqualTo("SELLER_MESSAGE");
        assertThat(http.message(id, "m2", "+33700000003", "#042").body().get("classification").asText())
                .isEqualTo("CLIENT_CODE");
    }

    /** A pattern stored before repeated repetitions were refused is not in the way of an edit that keeps it. */
    @Test
    void aStoredCodePatternThatWouldNowBeRefusedIsKeptByAnEditThatSendsItBack() {
        String id = uniqueTenant("older");
        http.createTenant(id, "PT30M", "+33612345678");
        jdbc.update("UPDATE tenant SET code_pattern = '(?:[A-Z]+,)+' WHERE id = ?", id);
        ObjectNode tenant = (ObjectNode) http.get("/api/tenants/" + id).body();
        tenant.put("name", "Renamed");

        assertThat(http.put("/api/tenants/" + id, tenant).status()).isEqualTo(200);
        assertThat(http.put("/api/tenants/" + id, tenant.put("codePattern", "(?:[a-z]+,)+")).status()).isEqualTo(400);
        assertThat(http.get("/api/tenants/" + id).body().get("codePattern").asText()).isEqualTo("(?:[A-Z]+,)+");
    }

    /** Java's client sends no user or password written in a URL, and every read of the tenant would show them. */
    @Test
    void aNotificationUrlHoldingAPasswordIsRefusedButOneStoredBeforeIsKeptByAnEdit() {
        String id = uniqueTenant("notified");
        Map<String, Object> withPassword = Map.of("webhookSecret", Http.secretOf(id),
                                                  "notificationUrl", "https://shop:s3cret@example.com/notices");
        Http.Response refused = tenant(id, withPassword);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body().get("detail").asText()).contains("notificationUrl must not hold a user or password");
        assertThat(http.get("/api/tenants/" + id).status()).isEqualTo(404);

        assertThat(status(tenant(id, Map.of("webhookSecret", Http.secretOf(id),
                                            "notificationUrl", "https://example.com/notices")))).isEqualTo(201);
        jdbc.update("UPDATE tenant SET notification_url = 'https://shop:s3cret@example.com/notices' WHERE id = ?", id);
        ObjectNode tenant = (ObjectNode) http.get("/api/tenants/" + id).body();
        tenant.put("name", "Renamed");
        assertThat(http.put("/api/tenants/" + id, tenant).status()).isEqualTo(200);
        tenant.put("notificationUrl", "https://shop:n3w@example.com/notices");
        assertThat(http.put("/api/tenants/" + id, tenant).status()).isEqualTo(400);
    }

    /**
     * A pattern the API would refuse now, stored before the rule (matching against it could hold a thread for
     * minutes) or by hand (it does not compile, and would fail each message): the tenant's codes go by the global one.
     */
    @ParameterizedTest
    @ValueSource(strings = {"(?:#\\d+)+", "#[0-9"})
    void aStoredCodePatternThatWouldNowBeRefusedGivesWayToTheGlobalPattern(String stored) {
        String id = uniqueTenant("older");
        http.createTenant(id, "PT30M", "+33612345678");
        ObjectNode tenant = (ObjectNode) http.get("/api/tenants/" + id).body();
        assertThat(http.put("/api/tenants/" + id, tenant.put("codePattern", "#\\d{3}")).status()).isEqualTo(200);
        assertThat(classification(id, "m1", "A12")).isEqualTo("CHAT");

        jdbc.update("UPDATE tenant SET code_pattern = ? WHERE id = ?", stored, id);
        jdbc.update("INSERT INTO tenant_change (tenant_id, changed_at, actor, change) "
                    + "VALUES (?, now(), 'an older version', 'updated codePattern')", id);

        await().atMost(CACHE_TTL.multipliedBy(15))
               .until(() -> classification(id, "m-" + System.nanoTime(), "A12").equals("CLIENT_CODE"));
        assertThat(classification(id, "m2", "#042")).isEqualTo("CHAT");
    }

    @Test
    void aTenantIsUpdatedBySendingBackWhatItsReadGaveWithTheChange() {
        String id = uniqueTenant("acme");
        http.createTenant(id, "PT30M", "+33612345678");
        String number = String.valueOf(System.nanoTime());
        ObjectNode tenant = (ObjectNode) http.get("/api/tenants/" + id).body();
        tenant.put("whatsappPhoneNumberId", number);

        Http.Response updated = http.put("/api/tenants/" + id, tenant);

        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.body().get("whatsappPhoneNumberId").asText()).isEqualTo(number);
        assertThat(updated.body().get("inactivityWindow").asText()).isEqualTo("PT30M");
        assertThat(http.put("/api/tenants/" + id, tenant.put("webhookSecretSet", "no")).status()).isEqualTo(200);
        // Sent back unchanged, the tenant stays as it was: its change time, and its change log.
        Http.Response unchanged = http.put("/api/tenants/" + id, updated.body());
        assertThat(unchanged.body().get("updatedAt")).isEqualTo(updated.body().get("updatedAt"));
        assertThat(http.get("/api/tenants/" + id + "/changes").body().findValuesAsText("change"))
                .containsExactly("created", "updated whatsappPhoneNumberId");
        assertThat(http.put("/api/tenants/" + id, tenant.put("nmae", "typo")).status()).isEqualTo(400);
    }

    @Test
    void aChangeMadeOnAnotherNodeAppliesOnceTheChangeLogShowsIt() throws InterruptedException {
        String id = uniqueTenant("elsewhere");
        http.createTenant(id, "PT30M", "+33 6 12 34 56 78");
        // Created long ago: the change log's look-back no longer sees it.
        jdbc.update("UPDATE tenant_change SET changed_at = changed_at - interval '1 hour' WHERE tenant_id = ?", id);
        assertThat(classification(id, "m1", "A12")).isEqualTo("CLIENT_CODE");

        // Another node changes the code pattern: first the row alone, then the change log's line.
        jdbc.update("UPDATE tenant SET code_pattern = '#\\d{3}' WHERE id = ?", id);
        Thread.sleep(CACHE_TTL.multipliedBy(2).toMillis());
        assertThat(classification(id, "m2", "A12")).as("kept: no change logged").isEqualTo("CLIENT_CODE");

        jdbc.update("INSERT INTO tenant_change (tenant_id, changed_at, actor, change) "
                    + "VALUES (?, now(), 'another node', 'updated codePattern')", id);
        await().atMost(CACHE_TTL.multipliedBy(15))
               .until(() -> classification(id, "m-" + System.nanoTime(), "A12").equals("CHAT"));
        assertThat(classification(id, "m3", "#042")).isEqualTo("CLIENT_CODE");
    }

    private String classification(String tenantId, String messageId, String text) {
        return http.message(tenantId, messageId, "+33700000009", text).body().get("classification").asText();
    }

    /** The list of every tenant reads their sellers in one statement, not one per tenant (100 000 of them, say). */
    @Test
    void theListOfTenantsReadsTheirSellersAllAtOnce() {
        for (int i = 0; i < 5; i++) {
            http.createTenant(uniqueTenant("listed"), null, "+3361111111" + i, "+3362222222" + i);
        }
        Statistics statements = database.unwrap(SessionFactory.class).getStatistics();
        statements.clear();
        statements.setStatisticsEnabled(true);
        try {
            assertThat(registry.all()).hasSizeGreaterThanOrEqualTo(5);

            // The tenants, then their sellers; and one more at most, should the service read something meanwhile.
            assertThat(statements.getPrepareStatementCount()).isBetween(2L, 3L);
        } finally {
            statements.setStatisticsEnabled(false);
        }
    }

    @Test
    void invalidTenantsAreRejectedWithTheReason() {
        String id = uniqueTenant("bad");
        assertThat(status(tenant(id, Map.of("inactivityWindow", "PT0S")))).isEqualTo(400);
        assertThat(status(tenant(id, Map.of("inactivityWindow", "P30D")))).isEqualTo(400);
        assertThat(status(tenant(id, Map.of("inactivityWindow", "soon")))).isEqualTo(400);
        assertThat(status(tenant(id, Map.of("codePattern", "[A-Z")))).isEqualTo(400);
        assertThat(status(tenant(id, Map.of("codePattern", "")))).isEqualTo(400);
        assertThat(status(tenant(id, Map.of("codePattern", "(?:(?:(?:(?:){999}){999}){999}){999}")))).isEqualTo(400);
        assertThat(status(tenant(id, Map.of("codePattern", "^{999999999}^{999999999}[A-Z]\\d+")))).isEqualTo(400);
        assertThat(status(tenant(id, Map.of("archiveNotice", "PT0.5S")))).isEqualTo(400);
        assertThat(status(tenant(id, Map.of("inactivityWindow", "PT1.5S")))).isEqualTo(400);
        assertThat(status(tenant("Not A Slug", Map.of()))).isEqualTo(400);
        assertThat(status(tenant(null, Map.of()))).isEqualTo(400);
        assertThat(status(tenant(id, Map.of("name", "")))).isEqualTo(400);
        assertThat(status(tenant(id, Map.of("name", "\u2003\u3000")))).isEqualTo(400);
        assertThat(status(tenant(id, Map.of("name", "\u00A0\u202F\u200B\u3164")))).isEqualTo(400);
        assertThat(status(tenant(id, Map.of("sellerPhones", List.of("(020) 7946 0000"))))).isEqualTo(400);
        assertThat(status(tenant(id, Map.of("sellerPhones", List.of("   "))))).isEqualTo(400);
        assertThat(status(tenant(id, Map.of("sellerPhones", List.of("06 12 34 56 78"))))).isEqualTo(400);
        assertThat(status(tenant(id, Map.of("maxLifespan", "P60D")))).isEqualTo(400);
        assertThat(status(tenant(id, Map.of("archiveNotice", "-PT1H")))).isEqualTo(400);
        assertThat(status(tenant(id, Map.of("archiveAfterDays", 1, "archiveNotice", "P30D")))).isEqualTo(400);
        assertThat(status(tenant(id, Map.of("sellerPhones", List.of("shop owner"))))).isEqualTo(400);
        assertThat(status(tenant(id, Map.of("name", "Acme\u0000Live")))).isEqualTo(400);
        assertThat(status(tenant(id, Map.of("sellerPhones", List.of("+3361234\u00005678"))))).isEqualTo(400);

        Http.Response badPattern = tenant(id, Map.of("codePattern", "[A-Z"));
        assertThat(badPattern.contentType()).isEqualTo("application/problem+json");
        assertThat(badPattern.body().get("detail").asText()).contains("codePattern");
        assertThat(http.get("/api/tenants/" + id).status()).isEqualTo(404);
    }

    /** Two admins edit a tenant from the same read: the second change, made over the first read, is refused. */
    @Test
    void aChangeMadeOverAnOlderReadIsRefusedWhenItSaysWhichReadItWasMadeOver() {
        String id = uniqueTenant("edited");
        http.createTenant(id, "PT30M", "+33612345678");
        Http.Response read = http.get("/api/tenants/" + id);
        String tag = read.headers().firstValue("ETag").orElseThrow();
        String number = String.valueOf(System.nanoTime());
        ObjectNode withNumber = ((ObjectNode) read.body().deepCopy()).put("whatsappPhoneNumberId", number);
        ObjectNode renamed = ((ObjectNode) read.body().deepCopy()).put("name", "Renamed");

        Http.Response first = putIfMatch(id, withNumber, tag);
        Http.Response second = putIfMatch(id, renamed, tag);

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.headers().firstValue("ETag")).isPresent().get().isNotEqualTo(tag);
        assertThat(second.status()).isEqualTo(412);
        assertThat(second.body().get("detail").asText()).contains("changed since it was read");
        Http.Response now = http.get("/api/tenants/" + id);
        assertThat(now.body().get("whatsappPhoneNumberId").asText()).isEqualTo(number);
        assertThat(now.body().get("name").asText()).isEqualTo("Tenant " + id);
        assertThat(now.headers().firstValue("ETag")).isEqualTo(first.headers().firstValue("ETag"));
        // Without If-Match, or with *, a PUT is written as it comes.
        assertThat(putIfMatch(id, renamed, "*").status()).isEqualTo(200);
        assertThat(http.put("/api/tenants/" + id, withNumber).status()).isEqualTo(200);
    }

    private Http.Response putIfMatch(String id, JsonNode tenant, String ifMatch) {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/tenants/" + id))
                                    .header("Content-Type", "application/json").header("If-Match", ifMatch)
                                    .PUT(HttpRequest.BodyPublishers.ofString(tenant.toString())));
    }

    @Test
    void everyChangeToATenantIsRecordedWithoutTheValuesOfSecrets() {
        String id = uniqueTenant("audit");
        http.createTenant(id, null, "+33600000000");
        http.put("/api/tenants/" + id, Map.of("name", "Renamed", "sellerPhones", List.of("+33600000000"),
                                              "webhookSecret", "another-secret-of-at-least-32-characters"));

        Http.Response changes = http.get("/api/tenants/" + id + "/changes");

        assertThat(changes.status()).isEqualTo(200);
        assertThat(changes.body().findValuesAsText("change")).containsExactly("created", "updated name, webhookSecret");
        assertThat(changes.text()).doesNotContain("another-secret");
        assertThat(changes.body().get(0).get("actor").asText()).isNotBlank();
        assertThat(http.get("/api/tenants/nobody/changes").status()).isEqualTo(404);
    }

    @Test
    void aTenantCreatedAMomentAfterAMessageForItWasRefusedReceivesTheNextOne() {
        String id = uniqueTenant("late");
        assertThat(http.message(id, "m0", "+33600000000", "live").status()).isEqualTo(401);

        http.createTenant(id, null, "+33600000000");

        assertThat(http.message(id, "m1", "+33600000000", "live").status()).isEqualTo(200);
    }

    /**
     * A notice and an archive delay that outgrew each other after they were stored (a global one changed since) are
     * served with the notice cut to the delay: the tenant's other settings stay editable, its retention is checked
     * when it is changed.
     */
    @Test
    void aTenantWhoseNoticeOutgrewItsDelayMeanwhileCanStillBeEdited() {
        String id = uniqueTenant("outgrown");
        http.createTenant(id, "PT30M", "+33612345678");
        jdbc.update("UPDATE tenant SET archive_after_days = 1, archive_notice_seconds = 172800 WHERE id = ?", id);
        ObjectNode tenant = (ObjectNode) http.get("/api/tenants/" + id).body();

        assertThat(http.put("/api/tenants/" + id, tenant.put("name", "Renamed")).status()).isEqualTo(200);
        assertThat(http.put("/api/tenants/" + id, tenant.put("archiveNotice", "P3D")).status()).isEqualTo(400);
    }

    @Test
    void aTenantOverridesTheGlobalLifespanArchivingAndNotice() {
        String id = uniqueTenant("own");
        Http.Response created = tenant(id, Map.of("maxLifespan", "PT12H", "automaticArchiving", false,
                                                  "archiveNotice", "PT2H", "archiveAfterDays", 7));

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.body().get("maxLifespan").asText()).isEqualTo("PT12H");
        assertThat(created.body().get("automaticArchiving").asBoolean()).isFalse();
        assertThat(created.body().get("archiveNotice").asText()).isEqualTo("PT2H");
        assertThat(http.get("/api/tenants/" + id).body().get("archiveAfterDays").asInt()).isEqualTo(7);
    }

    @Test
    void aTenantIdIsTakenOnce() {
        String id = uniqueTenant("dup");
        assertThat(http.createTenant(id, null).status()).isEqualTo(201);

        assertThat(http.createTenant(id, null).status()).isEqualTo(409);
    }

    @Test
    void unknownTenantsAreNotFound() {
        assertThat(http.get("/api/tenants/nobody").status()).isEqualTo(404);
        assertThat(http.put("/api/tenants/nobody", Map.of("name", "x", "sellerPhones", List.of())).status())
                .isEqualTo(404);
    }

    private Http.Response tenant(String id, Map<String, Object> overrides) {
        Map<String, Object> tenant = new HashMap<>();
        tenant.put("id", id);
        tenant.put("name", "A tenant");
        tenant.put("sellerPhones", List.of("+33600000000"));
        tenant.putAll(overrides);
        return http.post("/api/tenants", tenant);
    }

    private static int status(Http.Response response) {
        return response.status();
    }
}
