package dev.livesessions.query;

import dev.livesessions.api.LiveSessionEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.common.jpa.EntityManagerProvider;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.async.SequencingPolicy;
import org.axonframework.eventhandling.deadletter.jpa.JpaSequencedDeadLetterQueue;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Configuration;

/**
 * The read models are built by one pooled streaming processor. Its events are sequenced per tenant rather than per
 * session: a tenant's stats row is then only ever written by one thread at a time, and in event order.
 */
@Configuration(proxyBeanMethods = false)
class ReadModels {

    static final String PROCESSING_GROUP = "read-models";
    /** Times the processor's coordinator found its work packages' buffers full: the read models were behind. */
    static final String BUFFERS_FULL = "live_sessions.read_models.buffers_full";

    private static final SequencingPolicy<EventMessage<?>> BY_TENANT = event ->
            event.getPayload() instanceof LiveSessionEvent sessionEvent ? sessionEvent.tenantId() : null;

    @Autowired
    void sequenceByTenant(EventProcessingConfigurer processing) {
        processing.registerSequencingPolicy(PROCESSING_GROUP, configuration -> BY_TENANT);
    }

    /**
     * An event the read models cannot take is parked in this queue, with every later event of its tenant, rather than
     * skipped. The queue is never full: Axon's default limits (1 024 events of a tenant, 1 024 tenants) would fail the
     * batch of the next event to park, and the processor would retry that batch without end, holding up every tenant
     * of the segment behind one tenant's hot live. A parked event costs a row, not a stop.
     */
    @Autowired
    void deadLettersWithoutLimit(EventProcessingConfigurer processing) {
        processing.registerDeadLetterQueue(PROCESSING_GROUP, configuration -> JpaSequencedDeadLetterQueue
                .<EventMessage<?>>builder()
                .processingGroup(PROCESSING_GROUP)
                .entityManagerProvider(configuration.getComponent(EntityManagerProvider.class))
                .transactionManager(configuration.getComponent(TransactionManager.class))
                .genericSerializer(configuration.serializer())
                .eventSerializer(configuration.eventSerializer())
                .maxSequences(Integer.MAX_VALUE)
                .maxSequenceSize(Integer.MAX_VALUE)
                .build());
    }

    /**
     * The queue remembers which tenants have nothing parked, instead of asking the database before every event, and a
     * replay empties it. The replay rebuilds the read models from every event, the parked ones included, so what was
     * parked before it is moot; kept, it would park every replayed event of its tenants and leave them out of the
     * rebuilt read models. (Axon's Spring Boot property for the cache registers a configuration of the same invoker,
     * which would replace this one: the cache is set here only.)
     */
    @Autowired
    void deadLettersGoWithAReplay(EventProcessingConfigurer processing) {
        processing.registerDeadLetteringEventHandlerInvokerConfiguration(
                PROCESSING_GROUP, (configuration, builder) -> builder.enableSequenceIdentifierCache().allowReset(true));
    }

    /**
     * Axon asks whether an event's tenant has events parked before any handler sees the event. A batch therefore
     * reads its rows, which locks its tenants while events are parked, before that question: a retry under way would
     * otherwise still show the events it is taking out of the queue, and the batch would park the tenant's next event
     * behind them, to be left parked once the retry ends. (See {@link DatabaseReadModelStore#readTheBatchsRows}.)
     */
    @Autowired
    void tenantsLockedBeforeAskingWhetherParked(EventProcessingConfigurer processing, DatabaseReadModelStore store) {
        processing.registerHandlerInterceptor(PROCESSING_GROUP, configuration -> (unitOfWork, chain) -> {
            store.readTheBatchsRows();
            return chain.proceed();
        });
    }

    /** The work packages are fed again as soon as they have room (ADR 22). */
    @Autowired
    void promptCoordinator(EventProcessingConfigurer processing, MeterRegistry meters) {
        Counter buffersFull = Counter.builder(BUFFERS_FULL)
                                     .description("Times the read models' processor found the buffers of its work "
                                                  + "packages full (it was behind the stream)")
                                     .register(meters);
        processing.registerPooledStreamingEventProcessorConfiguration(
                PROCESSING_GROUP, (configuration, builder) -> builder.coordinatorExecutor(name -> {
                    PromptCoordinatorExecutor coordinator = new PromptCoordinatorExecutor(name, buffersFull);
                    configuration.onShutdown(coordinator::shutdown);
                    return coordinator;
                }));
    }
}
