package dev.livesessions.platform;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Gives every request a correlation id: the caller's {@code X-Correlation-Id} when it sends a sensible one, a new one
 * otherwise. It is in the logs of the request (MDC {@code correlationId}), in the answer's header, and in the request
 * attribute {@value #ATTRIBUTE}, where the webhooks take it for the events the request causes.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestCorrelation extends OncePerRequestFilter {

    static final String HEADER = "X-Correlation-Id";
    static final String ATTRIBUTE = "correlationId";
    static final String MDC_KEY = "correlationId";

    private static final Pattern SENSIBLE = Pattern.compile("[A-Za-z0-9._:/=+-]{1,200}");

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String given = request.getHeader(HEADER);
        String correlationId = given != null && SENSIBLE.matcher(given).matches()
                ? given : UUID.randomUUID().toString();
        request.setAttribute(ATTRIBUTE, correlationId);
        response.setHeader(HEADER, correlationId);
        MDC.put(MDC_KEY, correlationId);
        try {
            chain.doFilter(request, response);
        } finally {
            MDC.remove(MDC_KEY);
        }
    }
}
