package dev.livesessions;

import dev.livesessions.cli.LiveSessionsCli;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class LiveSessionsApplication {

    /**
     * Starts the service, or, when the first argument is a command ({@code stats}, {@code cleanup}, ...), runs the
     * command-line tool against a running service instead.
     */
    public static void main(String[] args) {
        if (args.length > 0 && !args[0].startsWith("-")) {
            LiveSessionsCli.main(args);
            return;
        }
        SpringApplication.run(LiveSessionsApplication.class, args);
    }
}
