package dev.livesessions.platform;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.EventBusSpanFactory;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.JdbcTokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.TokenSchema;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.axonframework.messaging.correlation.MessageOriginProvider;
import org.axonframework.messaging.correlation.SimpleCorrelationDataProvider;
import org.axonframework.serialization.RevisionResolver;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.axonframework.spring.jdbc.SpringDataSourceConnectionProvider;
import org.axonframework.springboot.TokenStoreProperties;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

@Configuration(proxyBeanMethods = false)
class PlatformConfiguration {

    /** The metadata key of the request a message was sent for, as events and the log's context name it. */
    private static final String CORRELATION_ID = "correlationId";

    /**
     * The one clock of the service: nothing else reads the time, so tests can move it. It ticks in microseconds,
     * PostgreSQL's precision, so that a time in an event and the same time in a read model are equal.
     */
    @Bean
    Clock clock() {
        return Clock.tick(Clock.systemUTC(), Duration.ofNanos(1_000));
    }

    /**
     * Correlation and trace ids follow every message from the inbound request to the events it causes. Axon makes a
     * message's own id the correlation id of what it causes; a command that names the request it was sent for (an
     * action or a cleanup run through the API) passes that request's id on instead.
     */
    @Bean
    CorrelationDataProvider messageOrigin() {
        MessageOriginProvider origin = new MessageOriginProvider();
        return message -> {
            Object request = message.getMetaData().get(CORRELATION_ID);
            if (!(message instanceof CommandMessage<?>) || request == null) {
                return origin.correlationDataFor(message);
            }
            Map<String, Object> data = new HashMap<>(origin.correlationDataFor(message));
            data.put(CORRELATION_ID, request);
            return data;
        };
    }

    /** Whoever sent a command (a user, a token, "system") is recorded on every event it causes. */
    @Bean
    CorrelationDataProvider actor() {
        return new SimpleCorrelationDataProvider("actor");
    }

    /**
     * Events, snapshots, tokens and deadlines are stored as JSON written by a mapper of their own, so that a change
     * to the web API's JSON settings can never change (or break) what is stored. Times are ISO-8601 strings, and
     * unknown properties are ignored, so older code can read events that gained a field.
     */
    @Bean
    @Primary
    Serializer serializer(RevisionResolver revisionResolver) {
        ObjectMapper storedJson = JsonMapper.builder()
                                            .addModule(new JavaTimeModule())
                                            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                                            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                                            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                                            .build();
        return JacksonSerializer.builder().objectMapper(storedJson).revisionResolver(revisionResolver).build();
    }

    /** The event store's tables as the migrations name them (Axon's JDBC defaults are camel case). */
    private static final EventSchema EVENT_TABLES = EventSchema.builder()
                                                               .eventTable("domain_event_entry")
                                                               .snapshotTable("snapshot_event_entry")
                                                               .globalIndexColumn("global_index")
                                                               .eventIdentifierColumn("event_identifier")
                                                               .aggregateIdentifierColumn("aggregate_identifier")
                                                               .sequenceNumberColumn("sequence_number")
                                                               .typeColumn("type")
                                                               .timestampColumn("time_stamp")
                                                               .payloadTypeColumn("payload_type")
                                                               .payloadRevisionColumn("payload_revision")
                                                               .payloadColumn("payload")
                                                               .metaDataColumn("meta_data")
                                                               .build();

    /**
     * Axon's JDBC storage engine on the tables of its JPA one: a unit of work's events go to PostgreSQL in one batched
     * insert, which numbers them from the global index's sequence, instead of one sequence round trip per event
     * before Hibernate's insert (ADR 15). It works on the connection of the Spring transaction under way, so events
     * commit with the rest of the transaction (the dedupe claims, the one-active-session guard).
     */
    @Bean
    EventStorageEngine eventStorageEngine(Serializer serializer, PersistenceExceptionResolver persistenceExceptionResolver,
                                          @Qualifier("eventSerializer") Serializer eventSerializer,
                                          org.axonframework.config.Configuration axon, DataSource dataSource,
                                          TransactionManager transactionManager) {
        return JdbcEventStorageEngine.builder()
                                     .snapshotSerializer(serializer)
                                     .upcasterChain(axon.upcasterChain())
                                     .persistenceExceptionResolver(persistenceExceptionResolver)
                                     .eventSerializer(eventSerializer)
                                     .snapshotFilter(axon.snapshotFilter())
                                     .connectionProvider(new SpringDataSourceConnectionProvider(dataSource))
                                     .transactionManager(transactionManager)
                                     .schema(EVENT_TABLES)
                                     .build();
    }

    /** The processors' positions as the migrations name their table (Axon's JDBC defaults are camel case). */
    private static final TokenSchema TOKEN_TABLE = TokenSchema.builder()
                                                              .setTokenTable("token_entry")
                                                              .setProcessorNameColumn("processor_name")
                                                              .setTokenTypeColumn("token_type")
                                                              .build();

    /**
     * Axon's JDBC token store on the table of its JPA one: a batch of the read models stores its processor's position
     * with one prepared {@code UPDATE}, where the JPA store had Hibernate translate a JPQL update at every batch
     * (ADR 35). Like the events, it works on the connection of the Spring transaction under way, so the position
     * commits with the rows the batch wrote.
     */
    @Bean
    TokenStore tokenStore(Serializer serializer, DataSource dataSource, TokenStoreProperties tokenStore) {
        return JdbcTokenStore.builder()
                             .connectionProvider(new SpringDataSourceConnectionProvider(dataSource))
                             .schema(TOKEN_TABLE)
                             .serializer(serializer)
                             .claimTimeout(tokenStore.getClaimTimeout())
                             .build();
    }

    /**
     * The event store as Axon's auto-configuration builds it, but without the shared cache of events for processors
     * that tail the stream (ADR 30). The read models' processor, the only one that streams, reads the store itself,
     * when it looks for events: Axon's cache would read the stream again after every commit, until a read came
     * back empty, for one reader, and holds a tracking token with its own copy of the gaps for every event it keeps
     * (ADRs 13 and 16).
     */
    @Bean(name = "eventBus")
    @Qualifier("eventStore")
    EmbeddedEventStore eventStore(EventStorageEngine storageEngine, org.axonframework.config.Configuration axon) {
        return EmbeddedEventStore.builder()
                                 .storageEngine(storageEngine)
                                 .messageMonitor(axon.messageMonitor(EventStore.class, "eventStore"))
                                 .spanFactory(axon.getComponent(EventBusSpanFactory.class))
                                 .optimizeEventConsumption(false)
                                 .build();
    }
}
