package dev.livesessions;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class LiveSessionsApplication {

    public static void main(String[] args) {
        SpringApplication.run(LiveSessionsApplication.class, args);
    }
}
