package dev.livesessions.security;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.core.CredentialsContainer;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/** The people who log in to the dashboard: a username, a bcrypt password hash, a role and (but for admins) a tenant. */
@Component
class UserAccounts implements UserDetailsService {

    /** A user as listed: never the password hash. */
    record UserView(String username, Role role, String tenantId, boolean enabled, Instant createdAt,
                    String createdBy, Instant disabledAt, String disabledBy) {
    }

    /**
     * A logged-in user, as Spring Security keeps it in the session: only an enabled account ever logs in. Its password
     * hash is there for the login's check alone: Spring Security erases it once the login succeeds, so that a session
     * never holds it, in memory or wherever sessions are stored.
     */
    static final class Account implements UserDetails, CredentialsContainer {

        private final String username;
        private String passwordHash;
        private final Role role;
        private final String tenantId;
        private final Instant createdAt;

        /** @param createdAt when the account was made, or made again after it was disabled */
        Account(String username, String passwordHash, Role role, String tenantId, Instant createdAt) {
            this.username = username;
            this.passwordHash = passwordHash;
            this.role = role;
            this.tenantId = tenantId;
            this.createdAt = createdAt;
        }

        String username() {
            return username;
        }

        Role role() {
            return role;
        }

        String tenantId() {
            return tenantId;
        }

        Instant createdAt() {
            return createdAt;
        }

        Caller caller() {
            return new Caller("user:" + username, role, tenantId);
        }

        @Override
        public Collection<? extends GrantedAuthority> getAuthorities() {
            return List.of(new SimpleGrantedAuthority("ROLE_" + role.name()));
        }

        @Override
        public String getPassword() {
            return passwordHash;
        }

        @Override
        public String getUsername() {
            return username;
        }

        @Override
        public void eraseCredentials() {
            passwordHash = null;
        }

        @Override
        public String toString() {
            return "Account[" + username + ", " + role + "]";
        }
    }

    private final JdbcTemplate jdbc;
    private final PasswordEncoder passwords;
    private final Clock clock;

    UserAccounts(JdbcTemplate jdbc, PasswordEncoder passwords, Clock clock) {
        this.jdbc = jdbc;
        this.passwords = passwords;
        this.clock = clock;
    }

    /**
     * @return whether the user may still do what they logged in for: enabled, with the same role and tenant, and the
     * same account, not one made again under that username after it was disabled
     */
    boolean stillAsLoggedIn(Account account) {
        return jdbc.query("SELECT role, tenant_id FROM user_account WHERE username = ? AND enabled AND created_at = ?",
                          (row, i) -> account.role().name().equals(row.getString(1))
                                      && Objects.equals(account.tenantId(), row.getString(2)),
                          account.username(), Timestamp.from(account.createdAt()))
                   .stream().findFirst().orElse(false);
    }

    /**
     * A disabled user is not found, as an unknown username is not: its login then costs the same bcrypt hash as an
     * unknown one's (Spring Security hashes the password given against a made-up one), and its failures count
     * against the username in the same way, so that neither time nor the limit of failures tells the one from the
     * other. Spring Security would refuse a disabled account before checking its password.
     */
    @Override
    public UserDetails loadUserByUsername(String username) {
        return jdbc.query("SELECT username, password_hash, role, tenant_id, created_at FROM user_account "
                          + "WHERE username = ? AND enabled",
                          (row, i) -> new Account(row.getString(1), row.getString(2), Role.valueOf(row.getString(3)),
                                                  row.getString(4), row.getTimestamp(5).toInstant()),
                          username)
                   .stream().findFirst()
                   .orElseThrow(() -> new UsernameNotFoundException("No user " + username));
    }

    /**
     * Makes the user, or makes again a user that was disabled: with the password, role and tenant given now. Its last
     * disable stays listed, so that the name's earlier holder can be told apart in what it did.
     *
     * @return false when the username is taken by a user who is enabled
     */
    boolean create(String username, String password, Role role, String tenantId, String createdBy) {
        return jdbc.update("""
                INSERT INTO user_account (username, password_hash, role, tenant_id, enabled, created_at, created_by)
                VALUES (?, ?, ?, ?, true, ?, ?)
                ON CONFLICT (username) DO UPDATE
                    SET password_hash = excluded.password_hash, role = excluded.role, tenant_id = excluded.tenant_id,
                        enabled = true, created_at = excluded.created_at, created_by = excluded.created_by
                    WHERE NOT user_account.enabled
                """, username, passwords.encode(password), role.name(), tenantId, Timestamp.from(clock.instant()),
                createdBy) == 1;
    }

    /**
     * The configured admin: created, or given the configured password and the admin role again; made again, when it
     * was disabled, so that a login from before the disable stays out.
     */
    void ensureAdmin(String username, String password) {
        jdbc.update("""
                INSERT INTO user_account (username, password_hash, role, tenant_id, enabled, created_at, created_by)
                VALUES (?, ?, 'ADMIN', NULL, true, ?, 'configuration')
                ON CONFLICT (username) DO UPDATE
                    SET password_hash = excluded.password_hash, role = 'ADMIN', tenant_id = NULL, enabled = true,
                        created_at = CASE WHEN user_account.enabled THEN user_account.created_at
                                          ELSE excluded.created_at END,
                        created_by = CASE WHEN user_account.enabled THEN user_account.created_by
                                          ELSE excluded.created_by END
                """, username, passwords.encode(password), Timestamp.from(clock.instant()));
    }

    List<UserView> all() {
        return jdbc.query("SELECT username, role, tenant_id, enabled, created_at, created_by, disabled_at, "
                          + "disabled_by FROM user_account ORDER BY username",
                          (row, i) -> new UserView(row.getString(1), Role.valueOf(row.getString(2)),
                                                   row.getString(3), row.getBoolean(4),
                                                   row.getTimestamp(5).toInstant(), row.getString(6),
                                                   instantOf(row.getTimestamp(7)), row.getString(8)));
    }

    /**
     * Disables the user, recording who did and when; a user disabled before stays as it was.
     *
     * @return false when there is no such user
     */
    boolean disable(String username, String disabledBy) {
        return jdbc.update("""
                UPDATE user_account SET enabled = false,
                                        disabled_at = CASE WHEN enabled THEN ? ELSE disabled_at END,
                                        disabled_by = CASE WHEN enabled THEN ? ELSE disabled_by END
                WHERE username = ?
                """, Timestamp.from(clock.instant()), disabledBy, username) == 1;
    }

    private static Instant instantOf(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    boolean any() {
        return Boolean.TRUE.equals(jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM user_account)", Boolean.class));
    }
}
