package dev.livesessions.reliability;

import java.util.List;
import java.util.stream.IntStream;

/** The tenants a scenario registers: ids {@code t000}, {@code t001}, … and a webhook secret derived from the id. */
final class Tenants {

    private Tenants() {
    }

    static List<String> ids(int count) {
        return IntStream.range(0, count).mapToObj(i -> String.format("t%03d", i)).toList();
    }

    static String secretOf(String tenantId) {
        return "reliability-webhook-secret-of-" + tenantId + "-0123456789";
    }
}
