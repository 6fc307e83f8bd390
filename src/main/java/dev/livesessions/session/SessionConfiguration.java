package dev.livesessions.session;

import org.axonframework.common.caching.Cache;
import org.axonframework.common.caching.WeakReferenceCache;
import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventsourcing.EventCountSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.SnapshotTriggerDefinition;
import org.axonframework.eventsourcing.Snapshotter;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class SessionConfiguration {

    /** Sessions stay in memory while in use, so a hot session is not read back from the store for every batch. */
    @Bean
    Cache liveSessionCache() {
        return new WeakReferenceCache();
    }

    /** A long live, reloaded after a restart, starts from its latest snapshot instead of its whole stream. */
    @Bean
    SnapshotTriggerDefinition liveSessionSnapshotTrigger(Snapshotter snapshotter) {
        return new EventCountSnapshotTriggerDefinition(snapshotter, 1_000);
    }

    /** A failure in the one-active-session guard must roll back the transaction that would break the rule. */
    @Autowired
    void propagateGuardFailures(EventProcessingConfigurer processing) {
        processing.registerListenerInvocationErrorHandler(LatestSessions.PROCESSING_GROUP,
                                                          configuration -> PropagatingErrorHandler.instance());
    }
}
