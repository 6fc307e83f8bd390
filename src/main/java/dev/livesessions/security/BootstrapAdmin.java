package dev.livesessions.security;

import dev.livesessions.LiveSessionsProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * The first administrator, so that a new install is usable without touching the database: the admin token and the
 * admin user from configuration. With neither configured and no account in the database yet, a token is made up for
 * this run and logged once, as Spring Boot does with its generated password; configure one to keep it.
 */
@Component
class BootstrapAdmin implements ApplicationRunner {

    private static final Logger logger = LoggerFactory.getLogger(BootstrapAdmin.class);
    static final Caller ADMIN_TOKEN = new Caller("admin-token", Role.ADMIN, null);

    private final LiveSessionsProperties.Security settings;
    private final UserAccounts users;
    private final ApiTokens tokens;
    private volatile byte[] tokenHash;

    BootstrapAdmin(LiveSessionsProperties properties, UserAccounts users, ApiTokens tokens) {
        this.settings = properties.security();
        this.users = users;
        this.tokens = tokens;
        if (settings.adminToken() != null) {
            tokenHash = hash(settings.adminToken());
        }
    }

    @Override
    public void run(ApplicationArguments arguments) {
        if (settings.adminUsername() != null) {
            users.ensureAdmin(settings.adminUsername(), settings.adminPassword());
        }
        if (tokenHash == null && !users.any() && !tokens.any()) {
            byte[] secret = new byte[24];
            new SecureRandom().nextBytes(secret);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
            tokenHash = hash(token);
            logger.warn("No administrator is configured. For this run only, the admin token is {} "
                        + "(set LIVE_SESSIONS_ADMIN_TOKEN to choose one that lasts)", token);
        }
    }

    /** The admin, when the token is the bootstrap token; compared in constant time. */
    Optional<Caller> authenticate(String token) {
        byte[] expected = tokenHash;
        return expected != null && MessageDigest.isEqual(expected, hash(token)) ? Optional.of(ADMIN_TOKEN)
                : Optional.empty();
    }

    private static byte[] hash(String token) {
        return ApiTokens.hash(token).getBytes(StandardCharsets.US_ASCII);
    }
}
