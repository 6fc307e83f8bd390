package dev.livesessions.bench;

/**
 * How the harness names its tenants, so that every process (orchestrator, load generator, service) derives a
 * tenant's id, webhook secret and seller phone from its prefix and number alone, without passing lists around.
 */
final class BenchTenants {

    private BenchTenants() {
    }

    static String id(String prefix, int number) {
        return prefix + "-" + number;
    }

    /** 32 to 200 characters, as the tenant API requires. Stored by the bulk SQL setup in the same form. */
    static String secret(String tenantId) {
        return "bench-webhook-secret-" + tenantId + "-0123456789abcdef";
    }

    /** Sellers are +3360..., clients +3370...: a client is never mistaken for a seller. */
    static String sellerPhone(int number) {
        return "+3360" + String.format("%07d", number % 10_000_000);
    }
}
