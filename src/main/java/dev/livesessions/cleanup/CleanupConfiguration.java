package dev.livesessions.cleanup;

import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.messaging.StreamableMessageSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class CleanupConfiguration {

    /** Notices are for what happens from now on: a new deployment does not announce archives of the past. */
    @Autowired
    void noticesFromTheHeadOfTheStream(EventProcessingConfigurer processing) {
        processing.registerPooledStreamingEventProcessor(
                ArchiveNotices.PROCESSING_GROUP,
                configuration -> configuration.eventStore(),
                (configuration, builder) -> builder.initialToken(StreamableMessageSource::createHeadToken));
    }
}
