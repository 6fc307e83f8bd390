package dev.livesessions.security;

/** What a caller may do. */
public enum Role {
    /** Everything, for every tenant: tenants, users and tokens, cleanup runs, replays. */
    ADMIN,
    /** One tenant: its sessions, stats and events, and the manual controls of its sessions. */
    STREAMER,
    /** One tenant, read only: its sessions, stats and events. */
    VIEWER
}
