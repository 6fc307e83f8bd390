package dev.livesessions.bench;

import dev.livesessions.tenant.TenantDirectory;
import dev.livesessions.tenant.TenantSettings;
import org.springframework.context.ApplicationContext;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Instant;
import java.util.List;

/**
 * The "ours-inproc" variant: the same messages handed to the service's own write path inside the service's JVM,
 * without HTTP, signature check or JSON parsing.
 * <p>
 * "Through the command gateway" is taken to mean through the path the webhooks use to reach it:
 * {@code MessageIntake} (classification) → {@code LiveSignalRecorder} (batching, dedupe claims, one transaction per
 * batch) → {@code LiveSignalRouter} → the command gateway. Sending one command per message straight to the gateway
 * would skip the batching and the redelivery check, so it would measure another design, not the cost of HTTP.
 * <p>
 * Those classes are package-private in the product (ArchUnit keeps ingestion private to its package), so this bench
 * class reaches them by reflection, by name. If they are renamed, the smoke run fails here first.
 */
final class InProcessWritePath {

    private final Object intake;
    private final Method receive;
    private final Constructor<?> inboundMessage;
    private final Constructor<?> delivery;
    private final Method liveSignal;
    private final Method duplicate;
    private final TenantDirectory tenants;

    InProcessWritePath(ApplicationContext context) {
        try {
            Class<?> intakeType = Class.forName("dev.livesessions.ingestion.MessageIntake");
            Class<?> messageType = Class.forName("dev.livesessions.ingestion.InboundMessage");
            Class<?> deliveryType = Class.forName("dev.livesessions.ingestion.MessageIntake$Delivery");
            Class<?> responseType = Class.forName("dev.livesessions.ingestion.IngestionResponse");
            intake = context.getBean(intakeType);
            receive = accessible(intakeType.getDeclaredMethod("receive", List.class, String.class));
            inboundMessage = accessible(messageType.getDeclaredConstructor(
                    String.class, String.class, String.class, String.class, Instant.class, String.class));
            delivery = accessible(deliveryType.getDeclaredConstructor(TenantSettings.class, messageType));
            liveSignal = accessible(responseType.getDeclaredMethod("liveSignal"));
            duplicate = accessible(responseType.getDeclaredMethod("duplicate"));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("The service's write path is not where the harness expects it", e);
        }
        tenants = context.getBean(TenantDirectory.class);
    }

    private static <T extends java.lang.reflect.AccessibleObject> T accessible(T member) {
        member.setAccessible(true);
        return member;
    }

    /** A sender for one thread: each message goes through the write path and waits until it is stored. */
    LoadRunner.Sender sender() {
        return message -> {
            TenantSettings tenant = tenants.find(message.tenantId()).orElse(null);
            if (tenant == null) {
                return new LoadRunner.Outcome(401, false, false);
            }
            try {
                Object inbound = inboundMessage.newInstance(message.messageId(), message.tenantId(), message.sender(),
                                                            message.text(), null, null);
                List<?> responses = (List<?>) receive.invoke(intake, List.of(delivery.newInstance(tenant, inbound)),
                                                             message.messageId());
                Object response = responses.get(0);
                return new LoadRunner.Outcome(200, (boolean) liveSignal.invoke(response),
                                              (boolean) duplicate.invoke(response));
            } catch (InvocationTargetException notStored) {
                // SignalsNotRecordedException: what the webhook answers 503.
                return new LoadRunner.Outcome(503, false, false);
            }
        };
    }
}
