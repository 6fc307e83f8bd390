package dev.livesessions.ingestion;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/**
 * Counts the webhook requests that were refused, whatever refused them (the size limit, the signature check, the
 * JSON reader, the content type), by status, and those answered 503 because their messages could not be stored.
 * Accepted messages are counted by their classification where they are classified.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class WebhookOutcomes extends OncePerRequestFilter {

    static final String MESSAGES = "live_sessions.messages";

    private final MeterRegistry meters;

    WebhookOutcomes(MeterRegistry meters) {
        this.meters = meters;
        // Present from the start at zero, so that the first message not stored is an increase alerts see.
        notStored();
    }

    private Counter notStored() {
        return meters.counter(MESSAGES, "classification", "not_stored", "status", "503");
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !RequestBodyLimitFilter.pathOf(request).startsWith("/webhooks/") || !"POST".equals(request.getMethod());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        chain.doFilter(request, response);
        int status = response.getStatus();
        if (status >= 400 && status < 500) {
            meters.counter(MESSAGES, "classification", "rejected", "status", String.valueOf(status)).increment();
        } else if (status == 503) {
            notStored().increment();
        }
    }
}
