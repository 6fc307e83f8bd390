package dev.livesessions.reliability;

/**
 * An inbound message as a messaging provider sends it to the generic webhook. Its id is what the provider would
 * redeliver it with, and what the checks look for in the event stream.
 */
record Message(String id, String tenantId, String sender, String text) {

    /** The phone of every tenant's seller. */
    static final String SELLER_PHONE = "+33600000001";

    /**
     * The n-th live signal of a tenant in a scenario: one in ten from the seller, the others product codes posted
     * by clients. Every one is a live signal, so every acknowledged one must be in the stream.
     */
    static Message liveSignal(String scenario, String tenantId, long n) {
        String id = scenario + "-" + tenantId + "-" + n;
        if (n % 10 == 0) {
            return new Message(id, tenantId, SELLER_PHONE, "Live now, item " + n);
        }
        return new Message(id, tenantId, "+337000" + String.format("%05d", n % 500), "A" + (1 + n % 99));
    }
}
