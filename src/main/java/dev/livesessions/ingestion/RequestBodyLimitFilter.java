package dev.livesessions.ingestion;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livesessions.LiveSessionsProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UrlPathHelper;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Semaphore;

/**
 * Refuses webhook requests larger than their endpoint's limit with 413, before they are read whole: by their
 * Content-Length when they declare one, otherwise as soon as one byte too many has arrived. WhatsApp's notifications
 * have a limit of their own ({@code live-sessions.whatsapp.max-body-size}), the generic webhook's requests
 * {@code live-sessions.webhooks.max-body-size}. A body is held in memory until its signature can be checked, so the
 * ones over the generic limit (Meta's batches, or anyone's large posts) are read {@value #LARGE_BODIES_AT_ONCE} at a
 * time, each within {@code live-sessions.whatsapp.large-body-time} plus one read timeout (a body sent a byte at a time
 * would keep its place otherwise: 408); more are answered 503, which Meta retries.
 */
@Component
class RequestBodyLimitFilter extends OncePerRequestFilter {

    static final int LARGE_BODIES_AT_ONCE = 4;

    private final int genericLimit;
    private final int whatsAppLimit;
    private final Duration largeBodyTime;
    private final ObjectMapper json;
    private final Semaphore largeBodies = new Semaphore(LARGE_BODIES_AT_ONCE);

    RequestBodyLimitFilter(LiveSessionsProperties properties, ObjectMapper json) {
        this.genericLimit = (int) properties.webhooks().maxBodySize().toBytes();
        this.whatsAppLimit = (int) properties.whatsapp().maxBodySize().toBytes();
        this.largeBodyTime = properties.whatsapp().largeBodyTime();
        this.json = json;
    }

    /**
     * The path within the application, decoded as the routing decodes it: the URI as sent may spell the same path
     * otherwise ({@code /%77ebhooks/...}).
     */
    static String pathOf(HttpServletRequest request) {
        return UrlPathHelper.defaultInstance.getPathWithinApplication(request);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !pathOf(request).startsWith("/webhooks/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        int limit = pathOf(request).startsWith("/webhooks/whatsapp") ? whatsAppLimit : genericLimit;
        if (request.getContentLengthLong() > limit) {
            refuse(response, limit);
            return;
        }
        InputStream in = request.getInputStream();
        byte[] body = in.readNBytes(Math.min(limit, genericLimit) + 1);
        if (body.length > limit) {
            refuse(response, limit);
        } else if (body.length > genericLimit) {
            readLarge(request, response, chain, body, limit);
        } else {
            chain.doFilter(new ReadBody(request, body), response);
        }
    }

    private void readLarge(HttpServletRequest request, HttpServletResponse response, FilterChain chain, byte[] start,
                           int limit) throws ServletException, IOException {
        if (!largeBodies.tryAcquire()) {
            response.setHeader(HttpHeaders.RETRY_AFTER, "5");
            ProblemDetail busy = problem(HttpStatus.SERVICE_UNAVAILABLE, "Too many large requests at once",
                                         "Send it again later.");
            // As every server error's problem does (the API's are given it by an advice this answer never meets).
            busy.setProperty("correlationId", request.getAttribute(GenericWebhookController.CORRELATION_ID));
            answer(response, busy);
            return;
        }
        try {
            ByteArrayOutputStream body = new ByteArrayOutputStream(start.length * 2);
            body.write(start);
            if (!readWithinTime(request.getInputStream(), body, limit + 1)) {
                answer(response, problem(HttpStatus.REQUEST_TIMEOUT, "Request timeout",
                                         "The body did not arrive whole within " + largeBodyTime.toSeconds() + " s."));
            } else if (body.size() > limit) {
                refuse(response, limit);
            } else {
                chain.doFilter(new ReadBody(request, body.toByteArray()), response);
            }
        } finally {
            largeBodies.release();
        }
    }

    /**
     * Reads the rest of the body into {@code body}, up to {@code most} bytes in all.
     *
     * @return false when it was still arriving after {@code largeBodyTime} (give or take one read)
     */
    private boolean readWithinTime(InputStream in, ByteArrayOutputStream body, int most) throws IOException {
        long deadline = System.nanoTime() + largeBodyTime.toNanos();
        byte[] chunk = new byte[64 * 1024];
        while (body.size() < most) {
            int read = in.read(chunk, 0, Math.min(chunk.length, most - body.size()));
            if (read < 0) {
                return true;
            }
            body.write(chunk, 0, read);
            if (System.nanoTime() - deadline > 0) {
                return body.size() >= most;
            }
        }
        return true;
    }

    private void refuse(HttpServletResponse response, int limit) throws IOException {
        answer(response, problem(HttpStatus.PAYLOAD_TOO_LARGE, "Payload too large",
                                 "The body is larger than " + limit + " bytes."));
    }

    private static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return problem;
    }

    private void answer(HttpServletResponse response, ProblemDetail problem) throws IOException {
        response.setStatus(problem.getStatus());
        response.setContentType("application/problem+json");
        response.setHeader("Connection", "close");
        json.writeValue(response.getOutputStream(), problem);
    }

    /** The request with its body already read, within the limit. */
    private static final class ReadBody extends HttpServletRequestWrapper {

        private final byte[] body;

        ReadBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream bytes = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return bytes.read();
                }

                @Override
                public int read(byte[] buffer, int offset, int length) {
                    return bytes.read(buffer, offset, length);
                }

                @Override
                public boolean isFinished() {
                    return bytes.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("the body is already read");
                }
            };
        }
    }
}
