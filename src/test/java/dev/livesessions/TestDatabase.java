package dev.livesessions;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL server for the whole test JVM, started on first use, and a fresh database in it for every
 * Spring context that the tests start, so that contexts never see each other's events, tokens or deadlines.
 * As the JVM exits, the server stops only after every context using it has finished closing.
 */
public class TestDatabase implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static final List<ConfigurableApplicationContext> USERS = new CopyOnWriteArrayList<>();
    private static EmbeddedPostgres server;

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        TestPropertyValues.of("spring.datasource.url=" + createDatabase(),
                              "spring.datasource.username=postgres")
                          .applyTo(context);
        USERS.add(context);
    }

    /** @return the JDBC URL of a new, empty database */
    public static String createDatabase() {
        String name = "live_sessions_" + DATABASES.incrementAndGet();
        try (Connection connection = server().getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create test database " + name, e);
        }
        return server().getJdbcUrl("postgres", name);
    }

    private static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                // Durable commits, as in production: the tests rely on the batching that makes them affordable.
                server = EmbeddedPostgres.builder()
                                         .setServerConfig("fsync", "on")
                                         .setServerConfig("synchronous_commit", "on")
                                         .setRegisterShutdownHook(false)
                                         .start();
            } catch (IOException e) {
                throw new UncheckedIOException("Could not start the embedded PostgreSQL for the tests", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(TestDatabase::stopAfterItsUsers, "test-database-stop"));
        }
        return server;
    }

    /** Spring closes cached contexts in a shutdown hook of its own; a context is inactive once fully closed. */
    private static void stopAfterItsUsers() {
        long giveUpAt = System.nanoTime() + 60_000_000_000L;
        while (USERS.stream().anyMatch(ConfigurableApplicationContext::isActive) && System.nanoTime() < giveUpAt) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
