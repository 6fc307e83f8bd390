package dev.livesessions.platform;

import dev.livesessions.LiveSessionsApplication;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The embedded default after a `kill -9`: the server the dead service left running must not block a new start. */
class EmbeddedDatabaseRecoveryTest {

    @TempDir
    Path dataDirectory;

    @Test
    void aServerLeftRunningByAKilledServiceIsStoppedAndTheServiceStarts() throws Exception {
        Process killedService = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ServerThatWillBeKilled.class.getName(),
                dataDirectory.toString())
                .redirectErrorStream(true).start();
        try (BufferedReader output = new BufferedReader(new InputStreamReader(killedService.getInputStream()))) {
            String line;
            while ((line = output.readLine()) != null && !line.equals("ready")) {
                // zonky's start-up log
            }
        }
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
