package dev.livesessions.security;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

import java.util.function.BooleanSupplier;

/**
 * Whether the caller of a request may still do what it was let in for, asked again while a long answer runs: the
 * dashboard's live stream ends once its token is revoked or its user disabled, as the caller's next request would
 * be refused.
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
        if (authentication == null) {
            return () -> false;
        }
        if (authentication.getPrincipal() instanceof UserAccounts.Account account) {
            return () -> users.stillAsLoggedIn(account);
        }
        if (authentication.getCredentials() instanceof ApiTokenFilter.StoredToken token) {
            return () -> tokens.notRevoked(token.hash());
        }
        // The bootstrap admin token comes from the configuration: nothing revokes it but a restart without it.
        return () -> true;
    }
}
