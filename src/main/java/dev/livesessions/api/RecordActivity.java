package dev.livesessions.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Duration;
import java.util.List;

/**
 * Records live signals, in order, in the tenant's current session. Signals that arrive together travel in one command
 * so that they are stored in one transaction.
 *
 * @param inactivityWindow the tenant's inactivity window now: the window of a session these signals may have to open
 */
public record RecordActivity(@TargetAggregateIdentifier String sessionId, Duration inactivityWindow,
                             List<LiveSignal> signals) {
}
