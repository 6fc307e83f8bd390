package dev.livesessions.session;

import com.github.benmanes.caffeine.jcache.configuration.CaffeineConfiguration;
import com.github.benmanes.caffeine.jcache.spi.CaffeineCachingProvider;
import com.github.kagkarlsson.scheduler.task.DeadExecutionHandler;
import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import org.axonframework.common.caching.Cache;
import org.axonframework.common.caching.JCacheAdapter;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.deadline.dbscheduler.DbSchedulerBinaryDeadlineDetails;
import org.axonframework.deadline.dbscheduler.DbSchedulerDeadlineManager;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventsourcing.EventCountSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.SnapshotTriggerDefinition;
import org.axonframework.eventsourcing.Snapshotter;
import org.axonframework.eventsourcing.SnapshotterSpanFactory;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.annotation.HandlerDefinition;
import org.axonframework.messaging.annotation.ParameterResolverFactory;
import org.axonframework.modelling.command.AggregateScopeDescriptor;
import org.axonframework.modelling.command.CommandTargetResolver;
import org.axonframework.monitoring.NoOpMessageMonitor;
import org.axonframework.serialization.Serializer;
import org.axonframework.spring.eventsourcing.SpringAggregateSnapshotter;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import javax.cache.CacheManager;
import javax.cache.Caching;
import java.net.URI;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.UUID;

@Configuration(proxyBeanMethods = false)
class SessionConfiguration {

    /** Enough for every session of a busy evening; an idle one leaves after two hours and is read back if needed. */
    static final long CACHED_SESSIONS = 100_000;
    static final Duration CACHED_WHILE_IDLE = Duration.ofHours(2);

    /** A cache manager of this application context's own (JCache's default one is shared by the whole JVM). */
    @Bean(destroyMethod = "close")
    CacheManager liveSessionCacheManager() {
        return Caching.getCachingProvider(CaffeineCachingProvider.class.getName())
                      .getCacheManager(URI.create("live-sessions-" + UUID.randomUUID()), getClass().getClassLoader());
    }

    /**
     * Sessions stay in memory while in use, so a hot session is not read back from the store for every batch, and a
     * closing one not for its deadline. Bounded and strongly held: a cache of weak references is emptied by every
     * garbage collection, which under load means reading sessions back all the time.
     */
    @Bean
    Cache liveSessionCache(CacheManager liveSessionCacheManager) {
        CaffeineConfiguration<Object, Object> configuration = new CaffeineConfiguration<>()
                .setStoreByValue(false)
                .setMaximumSize(OptionalLong.of(CACHED_SESSIONS))
                .setExpireAfterAccess(OptionalLong.of(CACHED_WHILE_IDLE.toNanos()));
        return new JCacheAdapter(liveSessionCacheManager.createCache("live-sessions", configuration));
    }

    /** Each command finds its session by the record component annotated for it, looked up once per command type. */
    @Bean
    CommandTargetResolver sessionOfEachCommand() {
        return new CommandTargets();
    }

    /** A long live, reloaded after a restart, starts from its latest snapshot instead of its whole stream. */
    @Bean
    SnapshotTriggerDefinition liveSessionSnapshotTrigger(Snapshotter snapshotter) {
        return new EventCountSnapshotTriggerDefinition(snapshotter, 1_000);
    }

    @Bean
    SnapshotThread snapshotThread() {
        return new SnapshotThread();
    }

    /** Axon's snapshotter, as Spring Boot's auto-configuration builds it, but taking snapshots on a thread of its own. */
    @Bean
    SpringAggregateSnapshotter liveSessionSnapshotter(org.axonframework.config.Configuration axon,
                                                      HandlerDefinition handlerDefinition,
                                                      ParameterResolverFactory parameterResolverFactory,
                                                      EventStore eventStore, TransactionManager transactionManager,
                                                      SnapshotterSpanFactory spanFactory,
                                                      SnapshotThread snapshotThread) {
        return SpringAggregateSnapshotter.builder()
                                         .repositoryProvider(axon::repository)
                                         .transactionManager(transactionManager)
                                         .eventStore(eventStore)
                                         .parameterResolverFactory(parameterResolverFactory)
                                         .handlerDefinition(handlerDefinition)
                                         .spanFactory(spanFactory)
                                         .executor(snapshotThread.executor())
                                         .build();
    }

    /** A failure in the one-active-session guard must roll back the transaction that would break the rule. */
    @Autowired
    void propagateGuardFailures(EventProcessingConfigurer processing) {
        processing.registerListenerInvocationErrorHandler(LatestSessions.PROCESSING_GROUP,
                                                          configuration -> PropagatingErrorHandler.instance());
    }

    /**
     * The guard sees every event the writers store, and ignores all but a session's opening. Axon would count and time
     * each one (a meter looked up by its tags per event): a sixth of a writer's time, to measure a processor that runs
     * inside the writer's own transaction.
     */
    @Autowired
    void noMetricsOnTheGuard(EventProcessingConfigurer processing) {
        processing.registerMessageMonitorFactory(LatestSessions.PROCESSING_GROUP,
                                                 (configuration, type, name) -> NoOpMessageMonitor.instance());
    }

    /**
     * Axon's deadline task, with three changes.
     * <ul>
     * <li>A deadline reads its session from the store, not from this node's cache. The deadline store is shared by
     * the nodes, and another node may have changed the session since this node cached it (ADR 16): a copy that still
     * had an archive the other node moved would take that node's deadline for a stale one and drop it, writing
     * nothing, so no conflict at commit would tell. A session has a few deadlines in its life; a read each is
     * cheap.</li>
     * <li>A deadline that fails (its session was changed by another node a moment before, or the database did not
     * answer) is tried again within seconds rather than db-scheduler's five minutes: a closure must not wait that
     * long. The retries back off (1 s, 2 s, 4 s, ..., 30 s at most: {@link DeadlineRetries}), and a deadline is
     * never dropped.</li>
     * <li>A deadline runs only while the service is not stopping ({@link DeadlinesWhileRunning}).</li>
     * </ul>
     */
    @Bean
    @Qualifier("deadlineDetailsTask")
    Task<DbSchedulerBinaryDeadlineDetails> deadlineTaskRetriedPromptly(
            ApplicationContext context, @Qualifier("liveSessionCache") Cache liveSessionCache,
            DeadlinesWhileRunning deadlines) {
        Task<DbSchedulerBinaryDeadlineDetails> axonTask =
                DbSchedulerDeadlineManager.binaryTask(() -> context.getBean(DbSchedulerDeadlineManager.class));
        return new OneTimeTask<>(axonTask.getName(), DbSchedulerBinaryDeadlineDetails.class,
                                 new DeadlineRetries<>(),
                                 new DeadExecutionHandler.ReviveDeadExecution<>()) {
            @Override
            public void executeOnce(TaskInstance<DbSchedulerBinaryDeadlineDetails> instance,
                                    ExecutionContext execution) {
                deadlines.run(() -> {
                    if (instance.getData().getDeserializedScopeDescriptor(context.getBean(Serializer.class))
                            instanceof AggregateScopeDescriptor session) {
                        liveSessionCache.remove(session.getIdentifier());
                    }
                    axonTask.execute(instance, execution);
                });
            }
        };
    }
}
