package dev.livesessions.security;

import jakarta.servlet.http.HttpSession;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import java.util.function.BooleanSupplier;

/**
 * Whether a caller let in earlier may still do what it was let in for: a user logged in to the dashboard who was
 * disabled (or given another role or tenant) since, or who logged out (in another tab) since; a token revoked since.
 * Asked again at each request of a logged-in user, and while a long answer runs (the dashboard's live stream, an
 * export).
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
        HttpSession login = authentication != null && authentication.getPrincipal() instanceof UserAccounts.Account
                            && RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes request
                ? request.getRequest().getSession(false) : null;
        return () -> stillLoggedIn(login) && stillAllowed(authentication);
    }

    /** A login session ended (a log out, or its time out) ends what it let in, as its next request would be refused. */
    private static boolean stillLoggedIn(HttpSession login) {
        if (login == null) {
            return true;
        }
        try {
            login.getAttributeNames();
            return true;
        } catch (IllegalStateException invalidated) {
            return false;
        }
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
