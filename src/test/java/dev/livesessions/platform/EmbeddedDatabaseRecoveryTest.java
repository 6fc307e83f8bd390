package dev.livesessions.platform;

import dev.livesessions.LiveSessionsApplication;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The embedded default after a `kill -9`: the server the dead service left running must not block a new start. */
class EmbeddedDatabaseRecoveryTest {

    @TempDir
    Path dataDirectory;

    @Test
    void aServerLeftRunningByAKilledServiceIsStoppedAndTheServiceStarts() throws Exception {
        Process killedService = serverInAJvmOfItsOwn();
        killedService.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        long leftBehind = Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0).strip());
        assertThat(ProcessHandle.of(leftBehind)).isPresent();

        try (ConfigurableApplicationContext service = new SpringApplicationBuilder(LiveSessionsApplication.class)
                .run("--server.port=0", "--live-sessions.embedded-database.data-directory=" + dataDirectory)) {
            assertThat(ProcessHandle.of(leftBehind)).isEmpty();
            JdbcTemplate jdbc = service.getBean(JdbcTemplate.class);
            assertThat(jdbc.queryForObject("SELECT 1", Integer.class)).isEqualTo(1);
            // zonky starts PostgreSQL without fsync; the service's embedded one must make commits durable.
            assertThat(jdbc.queryForObject("SHOW fsync", String.class)).isEqualTo("on");
            assertThat(jdbc.queryForObject("SHOW synchronous_commit", String.class)).isEqualTo("on");
        }
    }

    /**
     * After a reboot, the pid in a pid file left behind may be another PostgreSQL's, even one run from the binaries
     * zonky unpacks (another instance's, or one of its backends). The file says when its server started, long before
     * that process.
     */
    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void aProcessNamedLikePostgresThatStartedAfterThePidFileIsLeftAlone(@TempDir Path temporary) throws Exception {
        Path postgres = unpackedLikeZonky(temporary);
        Process anotherServer = new ProcessBuilder(postgres.toString(), "60").start();
        long beforeTheReboot = Instant.now().minus(Duration.ofHours(1)).getEpochSecond();
        try {
            Files.writeString(dataDirectory.resolve("postmaster.pid"),
                              anotherServer.pid() + "\n" + dataDirectory + "\n" + beforeTheReboot + "\n5432\n");

            EmbeddedPostgresConfiguration.stopServerLeftBehind(dataDirectory);

            assertThat(anotherServer.waitFor(2, TimeUnit.SECONDS)).as("stopped").isFalse();
            Files.writeString(dataDirectory.resolve("postmaster.pid"), "");
            EmbeddedPostgresConfiguration.stopServerLeftBehind(dataDirectory);
            assertThat(anotherServer.isAlive()).isTrue();
        } finally {
            anotherServer.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /**
     * A data directory given by mistake to a cluster of the machine's own: its server is left alone, though its pid
     * file names a live PostgreSQL that started when the file says (and though zonky wrote its lock file there, on an
     * earlier start that failed). The same server running from the binaries zonky unpacks is one the service left.
     */
    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void theMachinesOwnServerIsLeftAlone(@TempDir Path temporary) throws Exception {
        Files.createFile(dataDirectory.resolve("epg-lock"));
        Path machines = Files.createDirectories(temporary.resolve("usr/lib/postgresql/17/bin"));
        assertThat(leftBehindIsStopped(Files.copy(Path.of("/bin/sleep"), machines.resolve("postgres")))).isFalse();
        assertThat(leftBehindIsStopped(unpackedLikeZonky(temporary))).isTrue();
    }

    /** Whether a server running {@code postgres}, named in the pid file with its true start, is taken as left. */
    private boolean leftBehindIsStopped(Path postgres) throws Exception {
        Process server = new ProcessBuilder(postgres.toString(), "60").start();
        try {
            long startedAt = server.info().startInstant().orElseThrow().getEpochSecond();
            Files.writeString(dataDirectory.resolve("postmaster.pid"),
                              server.pid() + "\n" + dataDirectory + "\n" + startedAt + "\n5432\n");
            EmbeddedPostgresConfiguration.stopServerLeftBehind(dataDirectory);
            return server.waitFor(2, TimeUnit.SECONDS);
        } finally {
            server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** A stand-in for a PostgreSQL server where zonky unpacks its binaries: {@code /bin/sleep}, named postgres. */
    private static Path unpackedLikeZonky(Path temporary) throws IOException {
        Path bin = Files.createDirectories(temporary.resolve("embedded-pg/PG-0123456789abcdef/bin"));
        return Files.copy(Path.of("/bin/sleep"), bin.resolve("postgres"));
    }

    /** A second instance started on the data directory of a running one stops, and leaves the first one's server. */
    @Test
    void aServiceStartedOnTheDataDirectoryOfARunningOneStopsWithoutTouchingIt() throws Exception {
        Process runningService = serverInAJvmOfItsOwn();
        long server = Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0).strip());
        try {
            assertThatThrownBy(() -> new SpringApplicationBuilder(LiveSessionsApplication.class)
                    .run("--server.port=0", "--live-sessions.embedded-database.data-directory=" + dataDirectory))
                    .rootCause().hasMessageContaining("is in use by a running instance");

            // A server asked to shut down goes within a moment, having no clients.
            Thread.sleep(2_000);
            assertThat(ProcessHandle.of(server)).isPresent();
        } finally {
            runningService.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            // Gone before the data directory is deleted.
            Optional<ProcessHandle> leftBehind = ProcessHandle.of(server);
            if (leftBehind.isPresent()) {
                leftBehind.get().destroy();
                leftBehind.get().onExit().get(30, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * In one JVM too, and without a look at the lock file: closing a channel to it would drop the JVM's lock, and a
     * third instance, in another JVM, would then take the running server for one left behind.
     */
    @Test
    void aSecondStartInTheSameJvmStopsAndTheRunningOneKeepsItsLock() throws Exception {
        String[] onTheDirectory = {"--server.port=0",
                                   "--live-sessions.embedded-database.data-directory=" + dataDirectory};
        try (ConfigurableApplicationContext running = new SpringApplicationBuilder(LiveSessionsApplication.class)
                .run(onTheDirectory)) {
            assertThatThrownBy(() -> new SpringApplicationBuilder(LiveSessionsApplication.class).run(onTheDirectory))
                    .rootCause().hasMessageContaining("is in use by a running instance");

            assertThat(running.getBean(JdbcTemplate.class).queryForObject("SELECT 1", Integer.class)).isEqualTo(1);
            assertThat(lockSeenFromAnotherJvm()).isEqualTo("held");
        }
    }

    /** Whether another process finds the data directory's lock held. */
    private String lockSeenFromAnotherJvm() throws Exception {
        Process probe = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LockProbe.class.getName(),
                dataDirectory.resolve("epg-lock").toString())
                .redirectErrorStream(true).start();
        try (BufferedReader output = new BufferedReader(new InputStreamReader(probe.getInputStream()))) {
            String answer = output.readLine();
            probe.waitFor(30, TimeUnit.SECONDS);
            return answer;
        }
    }

    /** Runs in a JVM of its own: says whether the file's lock is held by another process. */
    static final class LockProbe {

        public static void main(String[] arguments) throws Exception {
            try (FileChannel file = FileChannel.open(Path.of(arguments[0]), StandardOpenOption.WRITE)) {
                System.out.println(file.tryLock() == null ? "held" : "free");
            }
        }
    }

    /** Starts PostgreSQL on the data directory from another JVM, as a running service does, once it is up. */
    private Process serverInAJvmOfItsOwn() throws Exception {
        Process service = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ServerThatWillBeKilled.class.getName(),
                dataDirectory.toString())
                .redirectErrorStream(true).start();
        try (BufferedReader output = new BufferedReader(new InputStreamReader(service.getInputStream()))) {
            String line;
            while ((line = output.readLine()) != null && !line.equals("ready")) {
                // zonky's start-up log
            }
        }
        return service;
    }

    /** Runs in a JVM of its own: starts PostgreSQL on the data directory and waits to be killed. */
    static final class ServerThatWillBeKilled {

        public static void main(String[] arguments) throws Exception {
            EmbeddedPostgres.builder().setDataDirectory(Path.of(arguments[0])).setCleanDataDirectory(false)
                            .setRegisterShutdownHook(false).start();
            System.out.println("ready");
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
