package dev.livesessions.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a check fails, what the database holds about the tenants concerned, written to
 * {@code target/reliability/evidence/}: their events in stored order, their read-model rows, and the read-models
 * processor's tokens. Enough to explain the failure after the run has cleaned up.
 */
final class Evidence {

    private static final Pattern TENANT = Pattern.compile("\\b(t\\d{3})\\b");

    private Evidence() {
    }

    /** @return the files written, one per tenant named in the texts (at most three) */
    static List<Path> ofTenantsIn(Reports.Scenario report, Postgres database, List<String> texts) {
        Set<String> tenants = new LinkedHashSet<>();
        for (String text : texts) {
            Matcher matcher = TENANT.matcher(text);
            while (matcher.find() && tenants.size() < 3) {
                tenants.add(matcher.group(1));
            }
        }
        List<Path> files = new ArrayList<>();
        for (String tenant : tenants) {
            StringBuilder evidence = new StringBuilder();
            section(evidence, "events", database.rows("""
                    SELECT global_index, aggregate_identifier, sequence_number, payload_type, time_stamp,
                           convert_from(payload, 'UTF8') AS payload, convert_from(meta_data, 'UTF8') AS meta_data
                    FROM domain_event_entry WHERE aggregate_identifier LIKE ? ORDER BY global_index""", tenant + ".%"));
            section(evidence, "live_session", database.rows("SELECT * FROM live_session WHERE tenant_id = ?", tenant));
            section(evidence, "tenant_stats", database.rows("SELECT * FROM tenant_stats WHERE tenant_id = ?", tenant));
            section(evidence, "tenant_latest_session",
                    database.rows("SELECT * FROM tenant_latest_session WHERE tenant_id = ?", tenant));
            section(evidence, "read-models tokens", database.rows("""
                    SELECT segment, owner, timestamp, convert_from(token, 'UTF8') AS token FROM token_entry
                    WHERE processor_name = 'read-models' ORDER BY segment"""));
            section(evidence, "deadlines picked or failed (scheduled_tasks)", database.rows("""
                    SELECT task_name, task_instance, execution_time, picked, picked_by, last_success, last_failure,
                           consecutive_failures, last_heartbeat, left(encode(task_data, 'escape'), 400) AS data
                    FROM scheduled_tasks WHERE picked OR consecutive_failures > 0 ORDER BY execution_time"""));
            section(evidence, "dead letters", database.rows(
                    "SELECT sequence_identifier, payload_type, cause_message FROM dead_letter_entry"));
            Path file = Reports.directory().resolve("evidence").resolve(report.key() + "-" + tenant + ".txt");
            try {
                Files.createDirectories(file.getParent());
                Files.writeString(file, evidence);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            files.add(file);
        }
        return files;
    }

    private static void section(StringBuilder evidence, String title, List<Map<String, Object>> rows) {
        evidence.append("== ").append(title).append('\n');
        rows.forEach(row -> evidence.append(row).append('\n'));
        evidence.append('\n');
    }
}
