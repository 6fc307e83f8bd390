package dev.livesessions.ingestion;

/** What an inbound message is, for the live session of its tenant. */
enum Classification {
    /** Any non-empty, non-STOP message from one of the tenant's sellers: a live signal. */
    SELLER_MESSAGE(true),
    /** A client's message whose text is a product code: a live signal. */
    CLIENT_CODE(true),
    /** A STOP keyword (or a variant of it), from anyone. */
    STOP(false),
    /** No text at all. */
    EMPTY(false),
    /** A client's ordinary chat. */
    CHAT(false);

    private final boolean liveSignal;

    Classification(boolean liveSignal) {
        this.liveSignal = liveSignal;
    }

    boolean isLiveSignal() {
        return liveSignal;
    }
}
