package dev.livesessions;

import dev.livesessions.cli.LiveSessionsCli;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class LiveSessionsApplication {

    /**
     * Starts the service (with no arguments, or only Spring properties such as {@code --server.port=8081}), or runs
     * the command-line tool against a running service ({@code stats}, {@code --url ... cleanup}, {@code --help}).
     */
    public static void main(String[] args) {
        if (LiveSessionsCli.isFor(args)) {
            LiveSessionsCli.main(args);
            return;
        }
        SpringApplication.run(LiveSessionsApplication.class, args);
    }
}
