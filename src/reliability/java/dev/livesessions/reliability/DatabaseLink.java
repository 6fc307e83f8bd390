package dev.livesessions.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The network between a node and PostgreSQL, as a relay the node connects through. {@link #failOver()} acts out the
 * loss of the database host with another taking its place at once: every connection open through the relay goes
 * silent (what the node sends is dropped, nothing comes back, and no reset tells it so), while PostgreSQL sees those
 * connections end and rolls their transactions back, as the lost host's would be. Connections opened after go
 * through.
 */
final class DatabaseLink implements AutoCloseable {

    private final Postgres database;
    private final ServerSocket listener;
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();

    private DatabaseLink(Postgres database, ServerSocket listener) {
        this.database = database;
        this.listener = listener;
    }

    static DatabaseLink to(Postgres database) {
        try {
            DatabaseLink link = new DatabaseLink(database, new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
            start("database-link", link::accept);
            return link;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + listener.getLocalPort() + "/postgres";
    }

    /** @return how many connections went silent */
    int failOver() {
        int count = 0;
        for (Connection connection : open) {
            count += connection.silence() ? 1 : 0;
        }
        return count;
    }

    private void accept() {
        while (!listener.isClosed()) {
            Socket node;
            try {
                node = listener.accept();
            } catch (IOException closing) {
                return;
            }
            try {
                Socket postgres = new Socket(InetAddress.getLoopbackAddress(), database.port());
                // As the driver and PostgreSQL have it on their own sockets: no write held back for the next one.
                node.setTcpNoDelay(true);
                postgres.setTcpNoDelay(true);
                Connection connection = new Connection(node, postgres);
                open.add(connection);
                if (listener.isClosed()) {
                    // close() went through the connections while this one was being made.
                    connection.close();
                    return;
                }
                connection.start();
            } catch (IOException refused) {
                closeQuietly(node);
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        open.forEach(Connection::close);
    }

    private static void start(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** One connection of the node, carried to PostgreSQL byte for byte until silenced or closed by either end. */
    private final class Connection {

        private final Socket node;
        private final Socket postgres;
        private volatile boolean silent;

        Connection(Socket node, Socket postgres) {
            this.node = node;
            this.postgres = postgres;
        }

        void start() {
            DatabaseLink.start("database-link-up", () -> carry(node, postgres));
            DatabaseLink.start("database-link-down", () -> carry(postgres, node));
        }

        /**
         * PostgreSQL's end is closed; the node's stays open, and whatever it sends is read and dropped.
         *
         * @return whether the connection was still carried
         */
        synchronized boolean silence() {
            if (silent) {
                return false;
            }
            silent = true;
            closeQuietly(postgres);
            return true;
        }

        void close() {
            closeQuietly(node);
            closeQuietly(postgres);
        }

        /** Carries bytes one way until {@code from} ends; a silent connection drops them instead. */
        private void carry(Socket from, Socket to) {
            byte[] buffer = new byte[16 * 1024];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                for (int read; (read = in.read(buffer)) >= 0; ) {
                    write(out, buffer, read);
                }
            } catch (IOException ended) {
                // That end was closed: by its owner, or by silence() for PostgreSQL's.
            }
            if (!silent || from == node) {
                // Ended by either side while carried, or by the node after it went silent: nothing left to act out.
                open.remove(this);
                close();
            }
        }

        private void write(OutputStream out, byte[] buffer, int length) throws IOException {
            if (silent) {
                return;
            }
            try {
                out.write(buffer, 0, length);
            } catch (IOException e) {
                if (!silent) {
                    throw e;
                }
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing is all that is asked.
        }
    }
}
