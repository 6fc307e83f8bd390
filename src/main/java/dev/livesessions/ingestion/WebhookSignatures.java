package dev.livesessions.ingestion;

import dev.livesessions.LiveSessionsProperties;
import org.springframework.stereotype.Component;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Checks webhook signatures over the raw request bytes, before anything is parsed, comparing in constant time.
 * <ul>
 *     <li>WhatsApp: {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body, keyed with the app secret>}.</li>
 *     <li>Generic: {@code X-Live-Sessions-Signature: tenant=<tenant id>,t=<unix seconds>,v1=<hex HMAC-SHA256 of
 *     "<t>.<body>", keyed with the tenant's webhook secret>}; {@code t} must be within the tolerance of now, so a
 *     captured request cannot be replayed later.</li>
 * </ul>
 */
@Component
class WebhookSignatures {

    static final String WHATSAPP_HEADER = "X-Hub-Signature-256";
    static final String GENERIC_HEADER = "X-Live-Sessions-Signature";

    /** Who signed a generic webhook request, and when. */
    record GenericSignature(String tenantId, long timestamp, String mac) {
    }

    /** Signs the requests of tenants without a secret, which are refused whatever they carry. */
    private static final String NOBODYS_KEY = nobodysKey();

    private final Duration tolerance;
    private final Clock clock;

    WebhookSignatures(LiveSessionsProperties properties, Clock clock) {
        this.tolerance = properties.webhooks().signatureTolerance();
        this.clock = clock;
    }

    void verifyWhatsApp(String header, byte[] body, String appSecret) {
        if (header == null || !header.startsWith("sha256=")) {
            throw new InvalidSignatureException("missing " + WHATSAPP_HEADER + " (sha256=...)");
        }
        if (!matches(header.substring("sha256=".length()), hmac(appSecret, body))) {
            throw new InvalidSignatureException(WHATSAPP_HEADER + " does not match the body");
        }
    }

    /**
     * What a request signed for no tenant, for a tenant without a secret, or with another secret or body is told: the
     * same, so that the answer does not say which tenant ids exist.
     */
    static final String NOT_SIGNED_BY_THE_TENANT = GENERIC_HEADER + " does not match the body with the secret of a "
                                                   + "tenant of that id";

    /** Reads the header and checks its time, before anything is looked up for the tenant it names. */
    GenericSignature parseGeneric(String header) {
        if (header == null) {
            throw new InvalidSignatureException("missing " + GENERIC_HEADER + " (tenant=...,t=...,v1=...)");
        }
        Map<String, String> parts = new HashMap<>();
        for (String part : header.split(",", 10)) {
            int equals = part.indexOf('=');
            if (equals > 0) {
                parts.put(part.substring(0, equals).strip(), part.substring(equals + 1).strip());
            }
        }
        String tenantId = parts.get("tenant");
        String timestamp = parts.get("t");
        String mac = parts.get("v1");
        if (tenantId == null || timestamp == null || mac == null || !timestamp.matches("\\d{1,12}")) {
            throw new InvalidSignatureException(GENERIC_HEADER + " must read tenant=<id>,t=<unix seconds>,v1=<hex>");
        }
        long signedAt = Long.parseLong(timestamp);
        if (Duration.between(Instant.ofEpochSecond(signedAt), clock.instant()).abs().compareTo(tolerance) > 0) {
            throw new InvalidSignatureException("the signature's timestamp is more than " + tolerance + " from now");
        }
        return new GenericSignature(tenantId, signedAt, mac);
    }

    /**
     * @param tenantSecret the secret of the tenant the signature names; null when it has none, or there is no such
     *                     tenant. The body is then signed all the same, with a key of nobody's, and refused: how long
     *                     the answer takes does not say either.
     */
    void verifyGeneric(GenericSignature signature, byte[] body, String tenantSecret) {
        byte[] prefix = (signature.timestamp() + ".").getBytes(StandardCharsets.US_ASCII);
        String key = tenantSecret != null ? tenantSecret : NOBODYS_KEY;
        boolean matches = matches(signature.mac(), hmac(key, prefix, body));
        if (tenantSecret == null || !matches) {
            throw new InvalidSignatureException(NOT_SIGNED_BY_THE_TENANT);
        }
    }

    private static String nobodysKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return HexFormat.of().formatHex(key);
    }

    static byte[] hmac(String secret, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            for (byte[] part : parts) {
                mac.update(part);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static boolean matches(String hex, byte[] expected) {
        byte[] given;
        try {
            given = HexFormat.of().parseHex(hex.toLowerCase());
        } catch (IllegalArgumentException notHex) {
            return false;
        }
        return MessageDigest.isEqual(given, expected);
    }
}
