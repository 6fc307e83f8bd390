package dev.livesessions.query;

import dev.livesessions.api.LiveSessionEvent;
import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.async.SequencingPolicy;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Configuration;

/**
 * The read models are built by one pooled streaming processor. Its events are sequenced per tenant rather than per
 * session: a tenant's stats row is then only ever written by one thread at a time, and in event order.
 */
@Configuration(proxyBeanMethods = false)
class ReadModels {

    static final String PROCESSING_GROUP = "read-models";

    private static final SequencingPolicy<EventMessage<?>> BY_TENANT = event ->
            event.getPayload() instanceof LiveSessionEvent sessionEvent ? sessionEvent.tenantId() : null;

    @Autowired
    void sequenceByTenant(EventProcessingConfigurer processing) {
        processing.registerSequencingPolicy(PROCESSING_GROUP, configuration -> BY_TENANT);
    }
}
