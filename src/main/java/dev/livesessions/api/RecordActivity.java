package dev.livesessions.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.List;

/**
 * Records live signals, in order, in the tenant's current session. Signals that arrive together travel in one command
 * so that they are stored in one transaction.
 *
 * @param termsOfNextSession the tenant's terms now: those of a session these signals may have to open
 */
public record RecordActivity(@TargetAggregateIdentifier String sessionId, SessionTerms termsOfNextSession,
                             List<LiveSignal> signals) {
}
