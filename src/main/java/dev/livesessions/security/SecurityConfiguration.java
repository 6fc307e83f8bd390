package dev.livesessions.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.SimpleUrlAuthenticationFailureHandler;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.header.writers.ContentSecurityPolicyHeaderWriter;
import org.springframework.security.web.header.writers.DelegatingRequestMatcherHeaderWriter;
import org.springframework.security.web.savedrequest.NullRequestCache;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.NegatedRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;

import java.io.IOException;

/**
 * Who may call what. People log in to the dashboard with a form (a session cookie, CSRF protection through the
 * XSRF-TOKEN cookie that the dashboard's scripts send back); machines and the command-line tool send an API token
 * ({@code Authorization: Bearer}, no session, no CSRF). Webhooks are authenticated by their signatures, in a
 * filter chain of their own. Health and metrics are open to the monitoring (they hold no tenant's data); OpenAPI is
 * open too.
 * <p>
 * The roles are checked here for whole areas (admin-only endpoints); which tenant a streamer or a viewer may see is
 * checked by the controllers, through {@link Caller}.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class SecurityConfiguration {

    /*
     * Paths are matched as the application sees them, decoded and without the context path, as Spring Security's own
     * rules match them: the raw URI of "/%61pi/sessions" is no API call, but its path is.
     */
    private static final RequestMatcher API = new OrRequestMatcher(path("/api/**"), path("/actuator/**"));
    private static final RequestMatcher BEARER = request -> {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7);
    };
    private static final RequestMatcher LOGIN = path("/login");
    /** Without a session cookie, a request cannot ride on someone's login: CSRF is no threat (but to the login). */
    private static final RequestMatcher SESSIONLESS = request -> request.getRequestedSessionId() == null
                                                                 && !LOGIN.matches(request);
    /** Callers with an API token and the monitoring's scrapes: never a browser's page or script. */
    private static final RequestMatcher MACHINE = new OrRequestMatcher(BEARER, path("/actuator/**"));
    private static final RequestMatcher NOT_API_DOCS = new NegatedRequestMatcher(
            new OrRequestMatcher(path("/swagger-ui.html"), path("/swagger-ui/**")));
    /** The dashboard loads nothing from elsewhere. */
    private static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; "
            + "frame-ancestors 'none'; form-action 'self'; base-uri 'self'";

    private static RequestMatcher path(String pattern) {
        return PathPatternRequestMatcher.withDefaults().matcher(pattern);
    }

    /**
     * Spring Security observes nothing: observing its filters cost a tenth of a webhook's CPU, and even with those
     * observations switched off it wraps every filter of every request in a decorator of its own. The request itself
     * is still measured ({@code http.server.requests}).
     */
    @Bean
    SecurityObservationSettings noSecurityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    /**
     * Webhooks are authenticated by their signatures, and sent by providers, never by a browser: their chain keeps
     * the firewall and the security headers, and nothing else. No login, logout, session, security context, saved
     * request, CSRF token or anonymous caller has a use there, and each of their filters ran for every webhook
     * (ADR 27). Without an authorization rule every request passes the chain; the controllers check the signatures.
     */
    @Bean
    @Order(1)
    SecurityFilterChain webhookFilterChain(HttpSecurity http) throws Exception {
        http.securityMatcher("/webhooks/**")
            .csrf(AbstractHttpConfigurer::disable)
            .sessionManagement(AbstractHttpConfigurer::disable)
            .securityContext(AbstractHttpConfigurer::disable)
            .requestCache(AbstractHttpConfigurer::disable)
            .logout(AbstractHttpConfigurer::disable)
            .anonymous(AbstractHttpConfigurer::disable)
            .servletApi(AbstractHttpConfigurer::disable)
            .exceptionHandling(AbstractHttpConfigurer::disable);
        return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain securityFilterChain(HttpSecurity http, BootstrapAdmin bootstrap, ApiTokens tokens,
                                            Revocations revocations, LoginAttempts logins, ObjectMapper json,
                                            @Qualifier("handlerExceptionResolver") HandlerExceptionResolver apiErrors)
            throws Exception {
        SecurityProblems problems = new SecurityProblems(json);
        http.authorizeHttpRequests(requests -> requests
                    // The second dispatch of a streamed answer, or of an error, continues a request already allowed.
                    .dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR).permitAll()
                    .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/info",
                                     "/actuator/prometheus").permitAll()
                    .requestMatchers("/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**")
                    .permitAll()
                    .requestMatchers("/login.html", "/login", "/assets/**", "/error").permitAll()
                    // A streamer or a viewer may read its own tenant: the controller checks which.
                    .requestMatchers(HttpMethod.GET, "/api/tenants/*").authenticated()
                    .requestMatchers("/api/tenants/**", "/api/users/**", "/api/tokens/**", "/api/cleanup-runs/**",
                                     "/api/replays/**", "/api/dead-letters/**", "/actuator/**").hasRole("ADMIN")
                    .anyRequest().authenticated())
            .addFilterBefore(new ApiTokenFilter(bootstrap, tokens, problems, apiErrors), BasicAuthenticationFilter.class)
            .formLogin(form -> form.loginPage("/login.html").loginProcessingUrl("/login")
                                   .defaultSuccessUrl("/", true).failureHandler(failedLogin()))
            // The login always leads to the dashboard: a request saved for after it would only cost a session.
            .requestCache(cache -> cache.requestCache(new NullRequestCache()))
            .addFilterBefore(logins.filter(), UsernamePasswordAuthenticationFilter.class)
            .logout(logout -> logout.logoutUrl("/logout").logoutSuccessUrl("/login.html?logout"))
            .csrf(csrf -> csrf.csrfTokenRepository(csrfCookie())
                              .csrfTokenRequestHandler(new CsrfTokenRequestAttributeHandler())
                              .ignoringRequestMatchers(BEARER, SESSIONLESS))
            .addFilterAfter(new CsrfCookie(), BasicAuthenticationFilter.class)
            .addFilterAfter(new LoggedInUsersStillValid(revocations), BasicAuthenticationFilter.class)
            .exceptionHandling(exceptions -> exceptions
                    .defaultAuthenticationEntryPointFor(problems, API)
                    .defaultAuthenticationEntryPointFor(new LoginUrlAuthenticationEntryPoint("/login.html"),
                                                        request -> true)
                    .accessDeniedHandler(problems))
            .headers(headers -> headers.addHeaderWriter(new DelegatingRequestMatcherHeaderWriter(
                    NOT_API_DOCS, new ContentSecurityPolicyHeaderWriter(CONTENT_SECURITY_POLICY))));
        return http.build();
    }

    /** The CSRF token in a cookie the dashboard's script reads, kept to the dashboard's own site as its login is. */
    private static CookieCsrfTokenRepository csrfCookie() {
        CookieCsrfTokenRepository cookie = CookieCsrfTokenRepository.withHttpOnlyFalse();
        cookie.setCookieCustomizer(settings -> settings.sameSite("Lax"));
        return cookie;
    }

    /**
     * Back to the login page, without a session: the page says the login failed, and needs nothing kept for that. A
     * session per failure would let anyone fill the heap with them.
     */
    private static AuthenticationFailureHandler failedLogin() {
        SimpleUrlAuthenticationFailureHandler failed = new SimpleUrlAuthenticationFailureHandler("/login.html?error");
        failed.setAllowSessionCreation(false);
        return failed;
    }

    /**
     * Logs a user out at their next request once they were disabled, or given another role or tenant, since they logged
     * in: the session keeps the account as it was at login, on the node that logged them in, and the change may have
     * been made on any node. One read of the user's row per request of a logged-in user. When the database cannot say,
     * the request goes on: whatever it asks of the database will be answered 503, and a blip of the database logs
     * nobody out.
     */
    private static final class LoggedInUsersStillValid extends OncePerRequestFilter {

        private final Revocations revocations;

        LoggedInUsersStillValid(Revocations revocations) {
            this.revocations = revocations;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
            if (authentication != null && authentication.getPrincipal() instanceof UserAccounts.Account
                && !stillAllowed(authentication)) {
                SecurityContextHolder.clearContext();
                HttpSession session = request.getSession(false);
                if (session != null) {
                    session.invalidate();
                }
            }
            chain.doFilter(request, response);
        }

        private boolean stillAllowed(Authentication authentication) {
            try {
                return revocations.stillAllowed(authentication);
            } catch (DataAccessException unknown) {
                return true;
            }
        }
    }

    /**
     * Makes sure the browser has the XSRF-TOKEN cookie on every page, including the login page, whose script copies
     * it into the form (Spring Security only writes the cookie when something asks for the token). Machines are not
     * asked: they never send it back, and drawing a token for each of their calls is wasted.
     */
    private static final class CsrfCookie extends OncePerRequestFilter {

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            CsrfToken token = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
            if (token != null && !MACHINE.matches(request)) {
                token.getToken();
            }
            chain.doFilter(request, response);
        }
    }
}
