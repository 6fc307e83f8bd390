package dev.livesessions.platform;

import com.zaxxer.hikari.HikariDataSource;
import dev.livesessions.LiveSessionsProperties;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * With no {@code spring.datasource.url}, the service starts its own PostgreSQL: real server binaries from Maven
 * Central, with a data directory kept between runs. Nothing to install, and a restart keeps events, read models and
 * pending deadlines. With a URL set, Spring Boot's usual data source is used instead.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${spring.datasource.url:}'.isEmpty()")
class EmbeddedPostgresConfiguration {

    private static final Logger logger = LoggerFactory.getLogger(EmbeddedPostgresConfiguration.class);
    /** The file zonky locks in the data directory while its PostgreSQL runs. */
    private static final String LOCK_FILE = "epg-lock";
    /** The directory zonky unpacks PostgreSQL's binaries into, in the system's temporary directory. */
    private static final String UNPACKED_UNDER = "embedded-pg";
    /** How far the start a pid file records may be from its process's, as the system reports it, for the same start. */
    private static final Duration SAME_START = Duration.ofSeconds(5);

    /**
     * The data directories of the servers this JVM runs. A second start on one of them is refused without a look at
     * its lock file: closing any channel to a file drops every lock the JVM holds on it, zonky's included.
     */
    private static final Set<Path> IN_USE_HERE = ConcurrentHashMap.newKeySet();

    /** The server, and its data directory, given up when the server stops. */
    record EmbeddedServer(EmbeddedPostgres postgres, Path dataDirectory) implements AutoCloseable {

        @Override
        public void close() throws IOException {
            try {
                postgres.close();
            } finally {
                IN_USE_HERE.remove(dataDirectory);
            }
        }
    }

    @Bean(destroyMethod = "close")
    EmbeddedServer embeddedPostgres(LiveSessionsProperties properties) throws IOException {
        Path dataDirectory = properties.embeddedDatabase().dataDirectory().toAbsolutePath().normalize();
        Files.createDirectories(dataDirectory);
        if (!IN_USE_HERE.add(dataDirectory)) {
            throw inUse(dataDirectory);
        }
        try {
            return new EmbeddedServer(start(dataDirectory, properties), dataDirectory);
        } catch (IOException | RuntimeException e) {
            IN_USE_HERE.remove(dataDirectory);
            throw e;
        }
    }

    private static EmbeddedPostgres start(Path dataDirectory, LiveSessionsProperties properties) throws IOException {
        refuseADirectoryInUse(dataDirectory);
        stopServerLeftBehind(dataDirectory);
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                                                    .setDataDirectory(dataDirectory)
                                                    .setCleanDataDirectory(false)
                                                    .setPort(properties.embeddedDatabase().port())
                                                    // zonky turns both off for speed (it starts PostgreSQL with -F);
                                                    // an acknowledged message must survive a crash of the machine,
                                                    // so every commit waits for its WAL to reach the disk.
                                                    .setServerConfig("fsync", "on")
                                                    .setServerConfig("synchronous_commit", "on")
                                                    // After a crash, PostgreSQL replays its WAL before it answers:
                                                    // zonky's 10 s would give up on it, and the next start stop it
                                                    // in the middle, again; pg_ctl's own wait is a minute.
                                                    .setPGStartupWait(Duration.ofMinutes(1))
                                                    // Stopped by the context, after everything that uses it.
                                                    .setRegisterShutdownHook(false)
                                                    .start();
        logger.info("Embedded PostgreSQL listening on port {}, data in {}", postgres.getPort(), dataDirectory);
        return postgres;
    }

    /**
     * A running instance of the service in another JVM holds zonky's lock on its data directory ({@value #LOCK_FILE})
     * as long as that JVM lives: a second one started there must stop before it takes the first one's PostgreSQL for a
     * server left behind and shuts it down. (The lock goes with a JVM that dies, kill -9 included.)
     */
    private static void refuseADirectoryInUse(Path dataDirectory) throws IOException {
        Path lock = dataDirectory.resolve(LOCK_FILE);
        if (!Files.exists(lock)) {
            // A new directory (initdb wants it empty), or one whose server never started.
            return;
        }
        try (FileChannel lockFile = FileChannel.open(lock, StandardOpenOption.WRITE)) {
            if (lockFile.tryLock() == null) {
                throw inUse(dataDirectory);
            }
        } catch (OverlappingFileLockException heldHere) {
            throw inUse(dataDirectory);
        }
    }

    private static IllegalStateException inUse(Path dataDirectory) {
        return new IllegalStateException("The data directory " + dataDirectory + " is in use by a running instance "
                + "of the service; stop it, or give this one a directory of its own "
                + "(live-sessions.embedded-database.data-directory)");
    }

    /**
     * A service killed without shutting down (kill -9) leaves its PostgreSQL running on the data directory, and a new
     * server could not start there. Its postmaster.pid names it; it is asked to shut down (SIGTERM) and awaited. The
     * file says when that server started, on its third line: after a reboot, its pid may be another PostgreSQL's (the
     * machine's own server, or one of its backends), which started later, and is left alone. A file that cannot be
     * read is left to PostgreSQL, which says what is wrong with it. A server that runs from binaries other than those
     * zonky unpacked was never the service's (a cluster of the machine's own, given by mistake): it is left alone, and
     * PostgreSQL then refuses to start a second one there.
     */
    static void stopServerLeftBehind(Path dataDirectory) throws IOException {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.size() < 3 || !lines.get(0).strip().matches("\\d{1,10}")
            || !lines.get(2).strip().matches("\\d{1,19}")) {
            return;
        }
        long pid = Long.parseLong(lines.get(0).strip());
        Instant startedAt = Instant.ofEpochSecond(Long.parseLong(lines.get(2).strip()));
        Optional<ProcessHandle> leftover = ProcessHandle.of(pid)
                .filter(process -> process.info().command().map(EmbeddedPostgresConfiguration::unpacked).orElse(false))
                .filter(process -> process.info().startInstant()
                        .map(start -> Duration.between(startedAt, start).abs().compareTo(SAME_START) <= 0)
                        .orElse(false));
        if (leftover.isPresent()) {
            logger.warn("Stopping the embedded PostgreSQL (pid {}) left running on {} by an earlier run", pid,
                        dataDirectory);
            leftover.get().destroy();
            try {
                leftover.get().onExit().get(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted while stopping PostgreSQL " + pid, e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IOException("PostgreSQL " + pid + " left on " + dataDirectory + " did not stop", e);
            }
        }
    }

    /** Whether the executable is a PostgreSQL server zonky unpacked (under {@code embedded-pg/}), not the machine's. */
    private static boolean unpacked(String command) {
        Path executable = Path.of(command);
        String name = String.valueOf(executable.getFileName());
        if (!name.equals("postgres") && !name.equals("postgres.exe")) {
            return false;
        }
        for (Path element : executable) {
            if (element.toString().equals(UNPACKED_UNDER)) {
                return true;
            }
        }
        return false;
    }

    @Bean
    @ConfigurationProperties("spring.datasource.hikari")
    HikariDataSource dataSource(EmbeddedServer server) {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(server.postgres().getJdbcUrl("postgres", "postgres"));
        dataSource.setUsername("postgres");
        return dataSource;
    }
}
