package dev.livesessions.api;

/** Who sent a live signal: one of the tenant's sellers, or a client posting a product code. */
public enum SignalSource {
    SELLER,
    CLIENT
}
