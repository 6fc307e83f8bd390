package dev.livesessions.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.List;

/** Opens the tenant's session number {@code number} with the live signals that arrived while it had none. */
public record OpenLiveSession(@TargetAggregateIdentifier String sessionId, String tenantId, long number,
                              SessionTerms terms, List<LiveSignal> signals) {
}
