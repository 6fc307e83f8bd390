/**
 * The public API of live-sessions: the commands, events, queries and query results that the other packages exchange.
 * Everything else is package-private to its feature; the stored events here are a durable contract.
 */
package dev.livesessions.api;
