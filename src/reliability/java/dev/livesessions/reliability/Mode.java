package dev.livesessions.reliability;

import java.time.Duration;

/**
 * The sizes of the scenarios. {@code short} runs in CI (every scenario, small sizes, a few minutes in all);
 * {@code long} has the sizes of issue 8, for releases. Chosen with {@code -Dreliability.mode=short|long}.
 */
record Mode(String name,
            // 1. crash
            int crashKills, int crashTenants, int crashSenders, int crashRatePerSecond,
            // 2. deadlines across downtime
            int downtimeTenants, Duration downtime,
            // 3. database outage
            int outageTenants, int outageSenders, int outageRatePerSecond, Duration outage,
            // 4. concurrency
            int concurrencySenders, int concurrencyTenants, int concurrencyBursts, int messagesPerSenderPerBurst,
            // 5. several nodes
            int clusterTenants, int clusterRatePerSecond, Duration clusterLoad,
            // 6. soak
            Duration soak) {

    static final Mode SHORT = new Mode("short",
            3, 20, 16, 60,
            10, Duration.ofSeconds(8),
            20, 16, 100, Duration.ofSeconds(10),
            64, 100, 3, 5,
            30, 100, Duration.ofSeconds(20),
            Duration.ofSeconds(40));

    static final Mode LONG = new Mode("long",
            10, 100, 32, 300,
            50, Duration.ofSeconds(20),
            100, 32, 200, Duration.ofSeconds(30),
            64, 100, 10, 10,
            100, 200, Duration.ofSeconds(90),
            Duration.ofMinutes(30));

    static Mode current() {
        String name = System.getProperty("reliability.mode", "short");
        return switch (name) {
            case "short" -> SHORT;
            case "long" -> LONG;
            default -> throw new IllegalArgumentException("reliability.mode must be short or long, not " + name);
        };
    }

    boolean isLong() {
        return this == LONG;
    }
}
