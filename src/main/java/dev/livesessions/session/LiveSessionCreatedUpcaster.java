package dev.livesessions.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livesessions.api.LiveSessionCreated;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.upcasting.event.IntermediateEventRepresentation;
import org.axonframework.serialization.upcasting.event.SingleEventUpcaster;
import org.springframework.stereotype.Component;

/**
 * {@code LiveSessionCreated} revision 1 had no {@code autoCleanup} nor {@code maxLifespan}: sessions of that time were
 * cleaned up automatically and had no lifespan cap.
 */
@Component
class LiveSessionCreatedUpcaster extends SingleEventUpcaster {

    private static final String TYPE = LiveSessionCreated.class.getName();

    @Override
    protected boolean canUpcast(IntermediateEventRepresentation representation) {
        return TYPE.equals(representation.getType().getName())
               && "1".equals(representation.getType().getRevision());
    }

    @Override
    protected IntermediateEventRepresentation doUpcast(IntermediateEventRepresentation representation) {
        return representation.upcastPayload(new SimpleSerializedType(TYPE, "2"), JsonNode.class, payload -> {
            ObjectNode event = (ObjectNode) payload;
            event.put("autoCleanup", true);
            event.putNull("maxLifespan");
            return event;
        });
    }
}
