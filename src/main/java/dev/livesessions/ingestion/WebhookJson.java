package dev.livesessions.ingestion;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import jakarta.validation.Validator;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * Reads webhook bodies strictly, once their signature is checked: bounded nesting and sizes, no coercion of numbers
 * or booleans into text, no blank time, nothing after the JSON value, then Bean Validation. Anything else is an
 * {@link InvalidPayloadException}, answered 400. Fields it does not know are passed over: providers add fields.
 */
@Component
class WebhookJson {

    private final ObjectMapper mapper;
    private final Validator validator;

    WebhookJson(Validator validator) {
        this.validator = validator;
        this.mapper = JsonMapper.builder()
                                .addModule(new JavaTimeModule())
                                .addModule(new SimpleModule().addDeserializer(Instant.class, new UnixSecondsInRange()))
                                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                                .build();
        // Strings are bounded by the body's limit only: a text is cut to its beginning once read, and a WhatsApp
        // notification refused for one long text would be refused whole, and sent again unchanged, for good.
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                                                                          .maxNestingDepth(32)
                                                                          .maxStringLength(Integer.MAX_VALUE)
                                                                          .maxNumberLength(64)
                                                                          .maxNameLength(256)
                                                                          .build());
        mapper.coercionConfigFor(LogicalType.Textual)
              .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
              .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
              .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        // A blank time is no time: not one left out, which the message's receipt would then stand for.
        mapper.coercionConfigFor(LogicalType.DateTime)
              .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
    }

    <T> T read(byte[] body, Class<T> type) {
        requireContent(body);
        T value = parse(() -> mapper.readValue(body, type));
        validate(value);
        return value;
    }

    /** The body as a JSON object, read as strictly as {@link #read(byte[], Class)}, neither bound nor validated. */
    JsonNode readObject(byte[] body) {
        requireContent(body);
        JsonNode tree = parse(() -> mapper.readTree(body));
        if (!tree.isObject()) {
            throw new InvalidPayloadException(List.of("not a JSON object"));
        }
        return tree;
    }

    /** A JSON object of {@link #readObject} bound to {@code type}, then validated. */
    <T> T read(JsonNode tree, Class<T> type) {
        T value = parse(() -> mapper.treeToValue(tree, type));
        validate(value);
        return value;
    }

    private interface Parse<T> {

        T run() throws IOException;
    }

    private static void requireContent(byte[] body) {
        if (body.length == 0) {
            throw new InvalidPayloadException(List.of("the body is empty"));
        }
    }

    private static <T> T parse(Parse<T> parse) {
        T value;
        try {
            value = parse.run();
        } catch (StreamConstraintsException e) {
            throw new InvalidPayloadException(List.of("the JSON is too deeply nested or has a value too long"));
        } catch (JacksonException e) {
            throw new InvalidPayloadException(List.of("not the expected JSON: " + describe(e)));
        } catch (IOException e) {
            throw new InvalidPayloadException(List.of("unreadable body"));
        }
        if (value == null || value instanceof JsonNode node && node.isNull()) {
            throw new InvalidPayloadException(List.of("the body is null"));
        }
        return value;
    }

    <T> void validate(T value) {
        List<String> errors = validator.validate(value).stream()
                                       .map(violation -> violation.getPropertyPath() + ": " + violation.getMessage())
                                       .sorted()
                                       .toList();
        if (!errors.isEmpty()) {
            throw new InvalidPayloadException(errors);
        }
    }

    /** Jackson's own message without the echo of the input, which may be long or binary. */
    private static String describe(JacksonException e) {
        String message = e.getOriginalMessage();
        int echo = message.indexOf('\n');
        String firstLine = echo < 0 ? message : message.substring(0, echo);
        return firstLine.length() > 200 ? firstLine.substring(0, 200) + "..." : firstLine;
    }
}
