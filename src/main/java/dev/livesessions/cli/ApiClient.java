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

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final String token;

    ApiClient(String baseUrl, String token) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        // A token read from a file often ends with a line break (\r\n, from Windows).
        this.token = token == null ? null : token.strip();
    }

    JsonNode get(String path) {
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
        request.timeout(Duration.ofMinutes(30)).header("Accept", "application/json");
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
        // The service answers with JSON; a redirect or a page (a proxy's error page while the service is down, say)
        // comes from something else at that address.
        boolean aPage = body == null && !response.body().isBlank();
        if (response.statusCode() >= 400 && !aPage) {
            String detail = body != null && body.hasNonNull("detail") ? body.get("detail").asText() : response.body();
            // A 400 says what the command was given is invalid (a status no session has, a size of 0): bad usage.
            int exitCode = response.statusCode() == 400 ? ExitCodes.USAGE : ExitCodes.REFUSED;
            throw new ApiException("The service answered " + response.statusCode() + ": " + detail, exitCode,
                                   response.statusCode());
        }
        if (response.statusCode() >= 300 || aPage) {
            String where = response.headers().firstValue("Location").map(location -> ", to " + location).orElse("");
            throw new ApiException("What answered at " + baseUrl + " is not the service (" + response.statusCode()
                                   + where + "); see --url", ExitCodes.UNREACHABLE);
        }
        return body;
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
