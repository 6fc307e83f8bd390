package dev.livesessions.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * One persistent HTTP/1.1 connection, for one sender thread: a request, then its answer, and so on. The load
 * generator uses this rather than a general HTTP client so that the client side costs as little CPU as possible:
 * the service, PostgreSQL and the load share two cores, and every cycle spent here is taken from the service.
 * <p>
 * It knows just what the harness needs: POST with a body, answers with a Content-Length or chunked, and the server
 * closing the connection (Tomcat does so every 100 requests); the next request then opens a new one.
 */
final class HttpConnection implements Closeable {

    /** A status and the body of the answer. */
    record Response(int status, byte[] body) {

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final String host;
    private final int port;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    HttpConnection(String host, int port) {
        this.host = host;
        this.port = port;
    }

    Response post(String path, Map<String, String> headers, byte[] body) throws IOException {
        boolean reused = socket != null;
        try {
            return exchange(path, headers, body);
        } catch (IOException e) {
            close();
            if (!reused) {
                throw e;
            }
            // The server may close an idle kept-alive connection just as we reuse it: once more on a new one.
            return exchange(path, headers, body);
        }
    }

    private Response exchange(String path, Map<String, String> headers, byte[] body) throws IOException {
        if (socket == null) {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), 5_000);
            socket.setSoTimeout(120_000);
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
        }
        StringBuilder head = new StringBuilder(256);
        head.append("POST ").append(path).append(" HTTP/1.1\r\nHost: ").append(host).append(':').append(port)
            .append("\r\nContent-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();

        String statusLine = readLine();
        if (statusLine == null || statusLine.length() < 12) {
            throw new EOFException("no answer");
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean closeAfter = false;
        for (String line = readLine(); line != null && !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.equalsIgnoreCase("chunked");
                case "connection" -> closeAfter = value.equalsIgnoreCase("close");
                default -> { }
            }
        }
        byte[] content;
        if (chunked) {
            content = readChunked();
        } else if (length >= 0) {
            content = in.readNBytes((int) length);
        } else {
            content = in.readAllBytes();
            closeAfter = true;
        }
        if (closeAfter) {
            close();
        }
        return new Response(status, content);
    }

    private byte[] readChunked() throws IOException {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine();
            if (sizeLine == null) {
                throw new EOFException("truncated chunked answer");
            }
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                // Trailer lines, if any, end with an empty line.
                for (String line = readLine(); line != null && !line.isEmpty(); line = readLine()) {
                    // ignored
                }
                return content.toByteArray();
            }
            content.write(in.readNBytes(size));
            readLine(); // the CRLF after the chunk
        }
    }

    /** A header line without its CRLF, or null at the end of the stream. */
    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder(64);
        for (int b = in.read(); b != -1; b = in.read()) {
            if (b == '\n') {
                int last = line.length() - 1;
                if (last >= 0 && line.charAt(last) == '\r') {
                    line.setLength(last);
                }
                return line.toString();
            }
            line.append((char) b);
        }
        return line.length() == 0 ? null : line.toString();
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        socket = null;
        in = null;
        out = null;
    }
}
