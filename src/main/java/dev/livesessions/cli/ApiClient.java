package dev.livesessions.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The service's HTTP API, as the command-line tool uses it: JSON in and out, a bearer token when one is given. */
class ApiClient {

    /** The service answered with an error, or could not be reached. */
    static class ApiException extends RuntimeException {

        private final int exitCode;
        /** The service's HTTP status, or 0 when it gave none. */
        private final int status;

        ApiException(String message, int exitCode) {
            this(message, exitCode, 0);
        }

        ApiException(String message, int exitCode, int status) {
            super(message);
            this.exitCode = exitCode;
            this.status = status;
        }

        int exitCode() {
            return exitCode;
        }

        boolean notFound() {
            return status == 404;
        }

        /**
         * @return whether the service answered and turned the request down (a 4xx in JSON, but a time limit's 408),
         *         rather than the answer being lost on the way
         */
        boolean turnedDown() {
            return status >= 400 && status < 500 && status != 408;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * How long a read may take. A change (a cleanup run, a replay's start, a verification) may take as long as it
     * needs, up to half an hour, as may a read of a whole cleanup run; another read that takes a minute is stuck, and
     * the tool, perhaps run by cron, says so.
     */
    static final Duration READ_TIME_LIMIT = Duration.ofMinutes(1);
    private static final Duration CHANGE_TIME_LIMIT = Duration.ofMinutes(30);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final String token;
    private final Duration readTimeLimit;

    ApiClient(String baseUrl, String token) {
        this(baseUrl, token, READ_TIME_LIMIT);
    }

    ApiClient(String baseUrl, String token, Duration readTimeLimit) {
        this.readTimeLimit = readTimeLimit;
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        // A token read from a file often ends with a line break (\r\n, from Windows).
        this.token = token == null ? null : token.strip();
    }

    JsonNode get(String path) {
        return send(request(path).timeout(readTimeLimit).GET());
    }

    /** A read whose answer may be large (a cleanup run with what it did to each of its sessions): a change's limit. */
    JsonNode getLarge(String path) {
        return send(request(path).GET());
    }

    JsonNode post(String path, Object body) {
        return send(request(path).header("Content-Type", "application/json")
                                 .POST(HttpRequest.BodyPublishers.ofString(write(body))));
    }

    JsonNode put(String path, Object body) {
        return send(request(path).header("Content-Type", "application/json")
                                 .PUT(HttpRequest.BodyPublishers.ofString(write(body))));
    }

    JsonNode delete(String path) {
        return send(request(path).DELETE());
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(URI.create(baseUrl + path));
        } catch (IllegalArgumentException e) {
            // A --url without http:// or https://, or an id with characters no id has: the user's to correct.
            throw new ApiException("Not a URL the tool can call: " + baseUrl + path + " (" + e.getMessage()
                                   + "); see --url, and the ids `sessions` lists", ExitCodes.USAGE);
        }
        request.timeout(CHANGE_TIME_LIMIT).header("Accept", "application/json");
        if (token != null && !token.isBlank()) {
            if (token.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
                // Tokens are printable ASCII. Said without the token: the message may end up in a log (cron's).
                throw new ApiException("The token has a space or a character other than printable ASCII in it (a "
                                       + "byte-order mark?); see --token and LIVE_SESSIONS_TOKEN", ExitCodes.USAGE);
            }
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }

    private JsonNode send(HttpRequest.Builder request) {
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new ApiException("Cannot reach the service at " + baseUrl + " (is it running? see --url)",
                                   ExitCodes.UNREACHABLE);
        } catch (IOException e) {
            throw new ApiException("The service at " + baseUrl + " could not be read: " + e.getMessage(),
                                   ExitCodes.UNREACHABLE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException("Interrupted", ExitCodes.UNREACHABLE);
        }
        JsonNode body = parse(response.body());
        int status = response.statusCode();
        // The service answers with JSON; a redirect, a page (a proxy's error page while the service is down, say) or
        // an empty success comes from something else at that address.
        boolean aPage = body == null && !response.body().isBlank();
        if (status >= 400 && !aPage) {
            String detail = body != null && body.hasNonNull("detail") ? body.get("detail").asText() : response.body();
            throw new ApiException("The service answered " + status + ": " + detail, exitCodeOf(status), status);
        }
        if (status >= 300 || body == null) {
            String where = response.headers().firstValue("Location").map(location -> ", to " + location).orElse("");
            throw new ApiException("What answered at " + baseUrl + " is not the service (" + status + where
                                   + (aPage || status >= 300 ? "" : ", with no answer") + "); see --url",
                                   ExitCodes.UNREACHABLE);
        }
        return body;
    }

    /**
     * A 400 says what the command was given is invalid (a status no session has, a size of 0): bad usage. A 502, 503
     * or 504 says the service could not answer now (a proxy without it behind, or its database unreachable): worth
     * trying again, unlike a refusal.
     */
    private static int exitCodeOf(int status) {
        return switch (status) {
            case 400 -> ExitCodes.USAGE;
            case 502, 503, 504 -> ExitCodes.UNREACHABLE;
            default -> ExitCodes.REFUSED;
        };
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (IOException notJson) {
            return null;
        }
    }

    private static String write(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
