package dev.livesessions.bench;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The load generator: a JVM of its own, started by the orchestrator for one run. It reads a {@link LoadPlan} from
 * the file named by its first argument, sends the messages over HTTP, and writes a {@link LoadResult} to the file
 * named by its second. Every request carries the generic webhook's signature, also those sent to the baselines, so
 * that all variants cost the client the same.
 */
public final class LoadGenerator {

    private LoadGenerator() {
    }

    public static void main(String[] args) throws Exception {
        // Never outlive the orchestrator, however it ends.
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit()
                                                                   .thenRun(() -> Runtime.getRuntime().halt(3)));
        LoadPlan plan = Json.MAPPER.readValue(Path.of(args[0]).toFile(), LoadPlan.class);
        URI url = URI.create(plan.url());
        LoadResult result = LoadRunner.run(plan, () -> new SignedHttpSender(url));
        Json.MAPPER.writeValue(Path.of(args[1]).toFile(), result);
        System.exit(0);
    }

    /** Posts each message as the generic webhook expects it, signed with its tenant's secret. */
    static final class SignedHttpSender implements LoadRunner.Sender {

        private final HttpConnection connection;
        private final String path;
        private final Mac mac;

        SignedHttpSender(URI url) {
            this.connection = new HttpConnection(url.getHost(), url.getPort());
            this.path = url.getPath();
            try {
                this.mac = Mac.getInstance("HmacSHA256");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public LoadRunner.Outcome send(Workload.Message message) throws Exception {
            byte[] body = message.json().getBytes(StandardCharsets.UTF_8);
            HttpConnection.Response response = connection.post(path, Map.of(
                    "X-Live-Sessions-Signature", signature(message.tenantId(), body)), body);
            String answer = response.text();
            return new LoadRunner.Outcome(response.status(), answer.contains("\"liveSignal\":true"),
                                          answer.contains("\"duplicate\":true"));
        }

        /** tenant=<id>,t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed with the tenant's secret> */
        private String signature(String tenantId, byte[] body) throws GeneralSecurityException {
            long t = System.currentTimeMillis() / 1000;
            mac.init(new SecretKeySpec(BenchTenants.secret(tenantId).getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
            String v1 = HexFormat.of().formatHex(mac.doFinal(body));
            return "tenant=" + tenantId + ",t=" + t + ",v1=" + v1;
        }

        @Override
        public void close() {
            connection.close();
        }
    }
}
