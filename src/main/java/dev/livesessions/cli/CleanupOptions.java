package dev.livesessions.cli;

import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** The options of a cleanup run, shared by {@code cleanup} and {@code cron}. */
class CleanupOptions {

    @Option(names = "--tenant", description = "One tenant only (default: all).")
    String tenant;
    @Option(names = "--inactive-hours", description = "Close active sessions idle this long (default 24).")
    Integer inactiveHours;
    @Option(names = "--delete-days",
            description = "Archive sessions with auto-cleanup idle this many days (default: the service's).")
    Integer deleteDays;
    @Option(names = "--quick", description = "The quick preset: --inactive-hours 12 --delete-days 7.")
    boolean quick;

    Map<String, Object> request(UUID id, boolean dryRun) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("id", id.toString());
        request.put("tenantId", tenant);
        request.put("inactiveHours", quick && inactiveHours == null ? Integer.valueOf(12) : inactiveHours);
        request.put("deleteDays", quick && deleteDays == null ? Integer.valueOf(7) : deleteDays);
        request.put("dryRun", dryRun);
        return request;
    }
}
