package dev.livesessions.platform;

import org.springframework.core.MethodParameter;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.lang.NonNull;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

/**
 * Every server error's problem (5xx) names the request's correlation id, as its {@code X-Correlation-Id} header
 * does: whoever is given the answer can find the log lines of the failure by it. The problems of the API, of the
 * webhooks and of errors no handler answered alike.
 */
@RestControllerAdvice
class CorrelatedServerErrors implements ResponseBodyAdvice<Object> {

    @Override
    public boolean supports(@NonNull MethodParameter returnType,
                            @NonNull Class<? extends HttpMessageConverter<?>> converterType) {
        return true; // the body tells: a problem of a server error
    }

    @Override
    public Object beforeBodyWrite(Object body, @NonNull MethodParameter returnType,
                                  @NonNull MediaType selectedContentType,
                                  @NonNull Class<? extends HttpMessageConverter<?>> selectedConverterType,
                                  @NonNull ServerHttpRequest request, @NonNull ServerHttpResponse response) {
        if (body instanceof ProblemDetail problem && problem.getStatus() >= 500
                && request instanceof ServletServerHttpRequest servlet) {
            Object correlationId = servlet.getServletRequest().getAttribute(RequestCorrelation.ATTRIBUTE);
            if (correlationId != null) {
                problem.setProperty("correlationId", correlationId);
            }
        }
        return body;
    }
}
