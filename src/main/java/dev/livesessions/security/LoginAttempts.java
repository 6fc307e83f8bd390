package dev.livesessions.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.event.EventListener;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.event.AuthenticationFailureBadCredentialsEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * What the dashboard's login allows. A username that failed {@value #MOST_FAILURES} times is refused until
 * {@code PAUSE} has passed without a failure, so its password cannot be guessed; and one password is checked at a
 * time, so that a flood of logins (each costs a bcrypt hash, tens of milliseconds of a core, also for a username no
 * account has) cannot take the cores the webhooks need, nor, with a few waiting at most, their request threads. API
 * tokens are not affected.
 */
@Component
class LoginAttempts {

    static final int MOST_FAILURES = 10;
    static final Duration PAUSE = Duration.ofMinutes(15);
    /** How long a login waits for another one's check before it is turned away. */
    private static final Duration WAIT_AT_MOST = Duration.ofSeconds(5);
    /**
     * Logins let in at once, checked or waiting to be: the others are turned away at once, so that a flood of logins
     * holds a few of the server's request threads, not all of those the webhooks need.
     */
    static final int MOST_AT_ONCE = 8;
    /** The longest username an account can have: a longer one is refused unchecked, and not remembered. */
    static final int LONGEST_USERNAME = 60;

    private final Cache<String, Integer> failures = Caffeine.newBuilder()
                                                            .expireAfterWrite(PAUSE)
                                                            .maximumSize(100_000)
                                                            .build();
    private final Semaphore checking = new Semaphore(1);
    private final Semaphore letIn = new Semaphore(MOST_AT_ONCE);

    @EventListener
    void failed(AuthenticationFailureBadCredentialsEvent event) {
        failures.asMap().merge(key(event.getAuthentication().getName()), 1, Integer::sum);
    }

    @EventListener
    void succeeded(AuthenticationSuccessEvent event) {
        failures.invalidate(key(event.getAuthentication().getName()));
    }

    /**
     * The filter in front of the login: a refused login goes back to the login page, which says why
     * ({@code ?throttled}, {@code ?busy}), as a failed one does.
     */
    OncePerRequestFilter filter() {
        RequestMatcher login = PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.POST, "/login");
        return new OncePerRequestFilter() {
            @Override
            protected boolean shouldNotFilter(HttpServletRequest request) {
                return !login.matches(request);
            }

            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
                                            FilterChain chain) throws ServletException, IOException {
                String username = request.getParameter("username");
                // Counted, it would be kept for the pause: failures of megabyte-long names would fill the heap.
                if (username != null && username.trim().length() > LONGEST_USERNAME) {
                    response.sendRedirect(request.getContextPath() + "/login.html?error");
                    return;
                }
                if (throttled(username)) {
                    response.sendRedirect(request.getContextPath() + "/login.html?throttled");
                    return;
                }
                if (!letIn.tryAcquire()) {
                    response.sendRedirect(request.getContextPath() + "/login.html?busy");
                    return;
                }
                try {
                    checkedInTurn(username, request, response, chain);
                } finally {
                    letIn.release();
                }
            }

            private void checkedInTurn(String username, HttpServletRequest request, HttpServletResponse response,
                                       FilterChain chain) throws ServletException, IOException {
                boolean turn;
                try {
                    turn = checking.tryAcquire(WAIT_AT_MOST.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    turn = false;
                }
                if (!turn) {
                    response.sendRedirect(request.getContextPath() + "/login.html?busy");
                    return;
                }
                try {
                    // Asked again: the logins that waited for this turn may have failed meanwhile.
                    if (throttled(username)) {
                        response.sendRedirect(request.getContextPath() + "/login.html?throttled");
                        return;
                    }
                    chain.doFilter(request, response);
                } finally {
                    checking.release();
                }
            }
        };
    }

    private boolean throttled(String username) {
        return username != null && failures.asMap().getOrDefault(key(username), 0) >= MOST_FAILURES;
    }

    /**
     * The username as the login looks it up: Spring Security trims it, which takes off control characters as well as
     * spaces. A key of other trimming would let {@code %01admin} past the limit and have {@code admin}'s password
     * checked. The key is lower-case, so that guesses in any case count against the one account.
     */
    private static String key(String username) {
        return username.trim().toLowerCase(Locale.ROOT);
    }
}
