package dev.livesessions.bench;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What the service needs in a benchmark run besides {@link BenchEndpoints}. Found by the application's component
 * scan when the bench classes are on the classpath, and inert unless {@code bench.endpoints.enabled=true}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "bench.endpoints.enabled", havingValue = "true")
class BenchServiceConfiguration {

    /**
     * The service never outlives the orchestrator that started it: when it is gone (even killed), the service stops
     * the benchmark's PostgreSQL and exits.
     */
    @Bean
    Object orchestratorWatch(@Value("${bench.orchestrator-pid:0}") long orchestratorPid,
                             @Value("${bench.postgres-pid:0}") long postgresPid) {
        ProcessHandle.of(orchestratorPid).ifPresent(orchestrator -> orchestrator.onExit().thenRun(() -> {
            ProcessHandle.of(postgresPid).ifPresent(ProcessHandle::destroy);
            Runtime.getRuntime().halt(3);
        }));
        return orchestratorPid;
    }
}
