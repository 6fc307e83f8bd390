package dev.livesessions.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

class CleanupProgressTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aRunThatDidMoreThanItCountedAtItsStartShowsAFullBar() throws Exception {
        StringWriter drawn = new StringWriter();

        boolean shown = CleanupCommand.draw(JSON.readTree("{\"total\": 40, \"processed\": 43}"), new PrintWriter(drawn));

        assertThat(shown).isTrue();
        assertThat(drawn.toString()).isEqualTo("\r[" + "#".repeat(30) + "] 43/40");
    }

    @Test
    void aRunHalfwayShowsAHalfFullBar() throws Exception {
        StringWriter drawn = new StringWriter();

        CleanupCommand.draw(JSON.readTree("{\"total\": 40, \"processed\": 20}"), new PrintWriter(drawn));

        assertThat(drawn.toString()).isEqualTo("\r[" + "#".repeat(15) + ".".repeat(15) + "] 20/40");
    }
}
