package dev.livesessions.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Authenticates requests that carry {@code Authorization: Bearer <token>}: the bootstrap admin token, or an API token
 * that is not revoked. A request with a bearer token that is neither is refused (401) rather than treated as
 * anonymous, and one whose token cannot be looked up because the database failed gets the API's 503 (500 for another
 * failure). Webhooks never come here: their chain has no such filter (they are authenticated by their signatures).
 */
class ApiTokenFilter extends OncePerRequestFilter {

    private static final String BEARER = "Bearer ";

    private final BootstrapAdmin bootstrap;
    private final ApiTokens tokens;
    private final SecurityProblems problems;
    private final HandlerExceptionResolver apiErrors;
    private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

    /** @param apiErrors answers a failure as the API's controllers do (its 503 for a database out of reach) */
    ApiTokenFilter(BootstrapAdmin bootstrap, ApiTokens tokens, SecurityProblems problems,
                   HandlerExceptionResolver apiErrors) {
        this.bootstrap = bootstrap;
        this.tokens = tokens;
        this.problems = problems;
        this.apiErrors = apiErrors;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        return header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String token = request.getHeader(HttpHeaders.AUTHORIZATION).substring(BEARER.length()).strip();
        Optional<Authentication> authentication;
        try {
            authentication = token.isEmpty() || token.length() > 200 ? Optional.empty()
                    : bootstrap.authenticate(token).map(admin -> authenticated(admin, null))
                               .or(() -> tokens.authenticate(token)
                                               .map(stored -> authenticated(stored.caller(), stored)));
        } catch (DataAccessException failure) {
            apiErrors.resolveException(request, response, null, failure);
            return;
        }
        if (authentication.isEmpty()) {
            problems.commence(request, response, new BadCredentialsException("Unknown or revoked API token"));
            return;
        }
        SecurityContext context = contexts.createEmptyContext();
        context.setAuthentication(authentication.get());
        contexts.setContext(context);
        try {
            chain.doFilter(request, response);
        } finally {
            contexts.clearContext();
        }
    }

    /**
     * @param token the token as stored, so that a long answer can ask whether it was revoked since; null for the
     *              bootstrap admin token
     */
    private static Authentication authenticated(Caller caller, ApiTokens.StoredToken token) {
        return UsernamePasswordAuthenticationToken.authenticated(
                caller, token, List.of(new SimpleGrantedAuthority("ROLE_" + caller.role().name())));
    }
}
