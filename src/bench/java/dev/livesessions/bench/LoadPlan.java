package dev.livesessions.bench;

/**
 * One load run, as the orchestrator hands it to the load generator (a file) or to the service (in-process load).
 *
 * @param runId           prefix of every message id of the run (message ids are never reused across runs)
 * @param url             where the HTTP load posts; unused in process
 * @param workload        which messages
 * @param senders         concurrent senders, each with its own connection, sending one message at a time
 * @param warmupSeconds   sent but not measured, before the measured part
 * @param durationSeconds measured part; ignored when {@code maxMessages} is set
 * @param maxMessages     when above 0, send exactly this many messages (no warm-up) and stop: used for set-up
 * @param ratePerSecond   0 for closed loop (each sender sends as soon as its previous answer came); above 0, the
 *                        whole run keeps this rate and latency counts from when each message was due
 */
public record LoadPlan(String runId, String url, Workload workload, int senders, double warmupSeconds,
                       double durationSeconds, long maxMessages, double ratePerSecond) {

    static LoadPlan timed(String runId, String url, Workload workload, int senders, double warmupSeconds,
                          double durationSeconds) {
        return new LoadPlan(runId, url, workload, senders, warmupSeconds, durationSeconds, 0, 0);
    }

    static LoadPlan counted(String runId, String url, Workload workload, int senders, long messages) {
        return new LoadPlan(runId, url, workload, senders, 0, 0, messages, 0);
    }

    /** Exactly {@code messages} messages, sent at a fixed rate. */
    static LoadPlan counted(String runId, String url, Workload workload, int senders, long messages,
                            double ratePerSecond) {
        return new LoadPlan(runId, url, workload, senders, 0, 0, messages, ratePerSecond);
    }

    static LoadPlan paced(String runId, String url, Workload workload, int senders, double warmupSeconds,
                          double durationSeconds, double ratePerSecond) {
        return new LoadPlan(runId, url, workload, senders, warmupSeconds, durationSeconds, 0, ratePerSecond);
    }
}
