package dev.livesessions.security;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

import java.util.function.BooleanSupplier;

/**
 * Whether a caller let in earlier may still do what it was let in for: a user logged in to the dashboard who was
 * disabled (or given another role or tenant) since, a token revoked since. Asked again at each request of a logged-in
 * user, and while a long answer runs (the dashboard's live stream).
 */
@Component
public class Revocations {

    private final ApiTokens tokens;
    private final UserAccounts users;

    Revocations(ApiTokens tokens, UserAccounts users) {
        this.tokens = tokens;
        this.users = users;
    }

    /** Called during the request: @return a check that reads again whether its caller is still allowed */
    public BooleanSupplier stillAllowedForThisRequest() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return () -> stillAllowed(authentication);
    }

    boolean stillAllowed(Authentication authentication) {
        if (authentication == null) {
            return false;
        }
        if (authentication.getPrincipal() instanceof UserAccounts.Account account) {
            return users.stillAsLoggedIn(account);
        }
        if (authentication.getCredentials() instanceof ApiTokens.StoredToken token) {
            return tokens.notRevoked(token);
        }
        // The bootstrap admin token comes from the configuration: nothing revokes it but a restart without it.
        return true;
    }
}
