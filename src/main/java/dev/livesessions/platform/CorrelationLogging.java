package dev.livesessions.platform;

import org.axonframework.commandhandling.CommandBus;
import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.slf4j.MDC;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Configuration;

/**
 * While a command or an event is handled, the logs carry the correlation id of the message (MDC
 * {@code correlationId}): what a handler logs can be traced to the inbound message or API call that caused it.
 */
@Configuration(proxyBeanMethods = false)
class CorrelationLogging {

    private static final MessageHandlerInterceptor<Message<?>> CORRELATION_IN_LOGS = CorrelationLogging::handle;

    @Autowired
    void onCommands(CommandBus commandBus) {
        commandBus.registerHandlerInterceptor(CORRELATION_IN_LOGS);
    }

    @Autowired
    void onEvents(EventProcessingConfigurer processing) {
        processing.registerDefaultHandlerInterceptor((configuration, processorName) -> CORRELATION_IN_LOGS);
    }

    private static Object handle(UnitOfWork<? extends Message<?>> unitOfWork, InterceptorChain chain)
            throws Exception {
        Object correlationId = unitOfWork.getMessage().getMetaData().get(RequestCorrelation.MDC_KEY);
        if (correlationId == null) {
            return chain.proceed();
        }
        String outer = MDC.get(RequestCorrelation.MDC_KEY);
        MDC.put(RequestCorrelation.MDC_KEY, correlationId.toString());
        try {
            return chain.proceed();
        } finally {
            if (outer == null) {
                MDC.remove(RequestCorrelation.MDC_KEY);
            } else {
                MDC.put(RequestCorrelation.MDC_KEY, outer);
            }
        }
    }
}
