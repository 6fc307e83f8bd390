package dev.livesessions.security;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * API tokens for machines and the command-line tool: 32 random bytes, shown once when made and stored only as their
 * SHA-256 hash. A revoked token stops working at once, on every node (each request reads the table).
 */
@Component
class ApiTokens {

    /** A token as listed: never its value. */
    record TokenView(UUID id, String name, Role role, String tenantId, Instant createdAt, String createdBy,
                     Instant revokedAt, String revokedBy) {
    }

    /** A token just made, with its value: the only time anyone sees it. */
    record NewToken(UUID id, String name, Role role, String tenantId, String token) {
    }

    private static final String PREFIX = "lst_";

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    ApiTokens(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    NewToken create(String name, Role role, String tenantId, String createdBy) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        UUID id = UUID.randomUUID();
        jdbc.update("""
                INSERT INTO api_token (id, name, token_hash, role, tenant_id, created_at, created_by)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, id, name, hash(token), role.name(), tenantId, Timestamp.from(clock.instant()), createdBy);
        return new NewToken(id, name, role, tenantId, token);
    }

    /** A token of the table, known by its hash, and who calls with it. */
    record StoredToken(String hash, Caller caller) {
    }

    Optional<StoredToken> authenticate(String token) {
        return stored(hash(token));
    }

    /** @return whether the token is still there and not revoked */
    boolean notRevoked(StoredToken token) {
        return stored(token.hash()).isPresent();
    }

    private Optional<StoredToken> stored(String hash) {
        return jdbc.query("SELECT name, role, tenant_id FROM api_token WHERE token_hash = ? AND revoked_at IS NULL",
                          (row, i) -> new StoredToken(hash, new Caller("token:" + row.getString(1),
                                                                       Role.valueOf(row.getString(2)),
                                                                       row.getString(3))),
                          hash)
                   .stream().findFirst();
    }

    List<TokenView> all() {
        return jdbc.query("""
                SELECT id, name, role, tenant_id, created_at, created_by, revoked_at, revoked_by FROM api_token
                ORDER BY created_at
                """, (row, i) -> new TokenView(row.getObject(1, UUID.class), row.getString(2),
                                               Role.valueOf(row.getString(3)), row.getString(4),
                                               row.getTimestamp(5).toInstant(), row.getString(6),
                                               row.getTimestamp(7) == null ? null : row.getTimestamp(7).toInstant(),
                                               row.getString(8)));
    }

    /** @return false when there is no such token, or it was revoked before */
    boolean revoke(UUID id, String revokedBy) {
        return jdbc.update("UPDATE api_token SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL",
                           Timestamp.from(clock.instant()), revokedBy, id) == 1;
    }

    boolean any() {
        return Boolean.TRUE.equals(jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM api_token)", Boolean.class));
    }

    static String hash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
