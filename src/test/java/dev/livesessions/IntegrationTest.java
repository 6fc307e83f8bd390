package dev.livesessions;

import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ContextConfiguration;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The whole service on a random port, on a real PostgreSQL (see {@link TestDatabase}). All tests with this annotation
 * share one Spring context and one database; each uses tenants of its own. Metrics are exported as in production
 * (Spring's tests leave them out by default), so that tests can read /actuator/prometheus.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
                properties = {"live-sessions.whatsapp.app-secret=" + IntegrationTest.WHATSAPP_APP_SECRET,
                              "live-sessions.whatsapp.verify-token=" + IntegrationTest.WHATSAPP_VERIFY_TOKEN})
@ContextConfiguration(initializers = TestDatabase.class)
@AutoConfigureObservability(tracing = false)
public @interface IntegrationTest {

    String WHATSAPP_APP_SECRET = "test-whatsapp-app-secret";
    String WHATSAPP_VERIFY_TOKEN = "test-verify-token";
}
