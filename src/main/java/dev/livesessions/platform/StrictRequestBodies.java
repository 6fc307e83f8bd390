package dev.livesessions.platform;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.converter.json.MappingJackson2HttpMessageConverter;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import java.util.List;

/**
 * The API reads JSON bodies strictly: a field the request does not have (a typo such as {@code "dryrun"}) or a
 * fraction where a whole number is expected is refused with a 400 that names it, instead of being dropped while the
 * rest of the request is carried out. So is an empty string where a value is expected, and a string or a number
 * where a yes or no is: Jackson reads {@code "dryRun": ""} as no value, and a run asked for as a dry run would then
 * be carried out. A field given twice is refused too (which of {@code "dryRun": true, "dryRun": false} would
 * count?), as is anything after the body's JSON value. Answers are written as before; webhooks read their bodies
 * themselves.
 */
@Configuration(proxyBeanMethods = false)
class StrictRequestBodies implements WebMvcConfigurer {

    private final ObjectMapper json;

    StrictRequestBodies(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public void extendMessageConverters(List<HttpMessageConverter<?>> converters) {
        ObjectMapper strict = json.copy()
                                  .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                                  .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                                  .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        strict.getFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        strict.coercionConfigDefaults().setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        strict.coercionConfigFor(LogicalType.Boolean)
              .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
              .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        converters.stream()
                  .filter(MappingJackson2HttpMessageConverter.class::isInstance)
                  .map(MappingJackson2HttpMessageConverter.class::cast)
                  .forEach(converter -> converter.setObjectMapper(strict));
    }
}
