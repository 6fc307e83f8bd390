package dev.livesessions.bench;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The JSON mapper of the harness's own files and control calls (plans, results), never of the product. */
final class Json {

    static final ObjectMapper MAPPER = JsonMapper.builder()
                                                 .addModule(new JavaTimeModule())
                                                 .enable(SerializationFeature.INDENT_OUTPUT)
                                                 .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                                                 .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                                                 .build();

    private Json() {
    }
}
