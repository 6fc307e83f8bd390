package dev.livesessions.bench;

import java.util.List;
import java.util.Random;

/**
 * Which messages a load sends. One generator feeds every variant (HTTP baselines, the webhook, the in-process write
 * path), so they all see the same kind of messages.
 *
 * @param shape        how messages spread over tenants
 * @param tenantPrefix tenants are named {@code <prefix>-<number>} (see {@link BenchTenants})
 * @param firstTenant  the number of the first tenant the load uses
 * @param tenantCount  how many tenants, numbered from {@code firstTenant} on (1 for {@link Shape#HOT})
 * @param groupSizes   for {@link Shape#GROUPS}, how many tenants each group has, the groups' tenants numbered one
 *                     group after the other; empty for the other shapes
 */
public record Workload(Shape shape, String tenantPrefix, int firstTenant, int tenantCount, List<Integer> groupSizes) {

    public Workload {
        groupSizes = groupSizes == null ? List.of() : List.copyOf(groupSizes);
    }

    static Workload spread(String tenantPrefix, int tenantCount) {
        return new Workload(Shape.SPREAD, tenantPrefix, 0, tenantCount, List.of());
    }

    static Workload hot(String tenantPrefix, int tenant) {
        return new Workload(Shape.HOT, tenantPrefix, tenant, 1, List.of());
    }

    static Workload cycle(String tenantPrefix, int firstTenant, int tenantCount) {
        return new Workload(Shape.CYCLE, tenantPrefix, firstTenant, tenantCount, List.of());
    }

    /** Client codes to each group in turn, and within a group to each of its tenants in turn. */
    static Workload inGroups(String tenantPrefix, List<Integer> groupSizes) {
        return new Workload(Shape.GROUPS, tenantPrefix, 0, groupSizes.stream().mapToInt(Integer::intValue).sum(),
                            groupSizes);
    }


    public enum Shape {
        /** A random tenant per message; 10 % seller messages, 60 % client codes, 30 % chat (not a live signal). */
        SPREAD,
        /** One tenant's live: every sender posts product codes into the same session. */
        HOT,
        /** Client codes to each tenant in turn: message n goes to tenant n mod count. */
        CYCLE,
        /**
         * Client codes to each group of tenants in turn, so that every group sees the same moments of the run:
         * message n goes to group n mod groups, and within it to its tenants in turn. Latency is kept per group.
         */
        GROUPS
    }

    /** What kind of text a message carries. */
    enum Kind { SELLER, CODE, CHAT }

    /**
     * One message, ready to be sent as the generic webhook's JSON body.
     *
     * @param group      the message's group, for {@link Shape#GROUPS}; -1 for the other shapes
     * @param liveSignal whether the service must take it as a live signal (a seller's message or a client's code)
     */
    public record Message(int tenantIndex, int group, String tenantId, String messageId, String sender, String text,
                          boolean liveSignal) {

        /** The generic webhook's body; the harness's ids, phones and texts need no JSON escaping. */
        public String json() {
            return "{\"messageId\":\"" + messageId + "\",\"tenantId\":\"" + tenantId + "\",\"sender\":\"" + sender
                   + "\",\"text\":\"" + text + "\"}";
        }
    }

    /** The message with this sequence number of the run; {@code random} picks tenants, senders and codes. */
    Message message(String runId, long sequence, Random random) {
        int group = shape == Shape.GROUPS ? (int) (sequence % groupSizes.size()) : -1;
        int tenantIndex = firstTenant + switch (shape) {
            case SPREAD -> random.nextInt(tenantCount);
            case HOT -> 0;
            case CYCLE -> (int) (sequence % tenantCount);
            case GROUPS -> firstOfGroup(group) + (int) (sequence / groupSizes.size() % groupSizes.get(group));
        };
        Kind kind = Kind.CODE;
        if (shape == Shape.SPREAD) {
            int dice = random.nextInt(100);
            kind = dice < 10 ? Kind.SELLER : dice < 70 ? Kind.CODE : Kind.CHAT;
        }
        String code = (char) ('A' + random.nextInt(26)) + Integer.toString(1 + random.nextInt(999));
        String clientPhone = "+3370" + String.format("%07d", random.nextInt(10_000_000));
        String messageId = runId + "-" + sequence;
        String tenantId = BenchTenants.id(tenantPrefix, tenantIndex);
        return switch (kind) {
            case SELLER -> new Message(tenantIndex, group, tenantId, messageId, BenchTenants.sellerPhone(tenantIndex),
                                       "New item: code " + code + ", 20 EUR", true);
            case CODE -> new Message(tenantIndex, group, tenantId, messageId, clientPhone, code, true);
            case CHAT -> new Message(tenantIndex, group, tenantId, messageId, clientPhone,
                                     "hello, is it still available?", false);
        };
    }

    /** The number of a group's first tenant, counted from {@code firstTenant}. */
    int firstOfGroup(int group) {
        return groupSizes.subList(0, group).stream().mapToInt(Integer::intValue).sum();
    }

    /** The group of a tenant, by its number counted from {@code firstTenant}. */
    int groupOf(int tenant) {
        for (int group = 0, first = 0; group < groupSizes.size(); first += groupSizes.get(group), group++) {
            if (tenant < first + groupSizes.get(group)) {
                return group;
            }
        }
        throw new IllegalArgumentException("tenant " + tenant + " is in no group of " + groupSizes);
    }
}
