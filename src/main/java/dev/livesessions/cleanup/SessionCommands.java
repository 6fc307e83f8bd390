package dev.livesessions.cleanup;

import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.common.caching.Cache;
import org.axonframework.messaging.MetaData;
import org.axonframework.modelling.command.CommandTargetResolver;
import org.axonframework.modelling.command.ConcurrencyException;
import org.slf4j.MDC;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * Sends lifecycle commands to sessions, saying who acts and at which request: the events they cause carry both in
 * their metadata.
 */
@Component
class SessionCommands {

    private static final int ATTEMPTS = 3;
    /** The request's, in the log's context (RequestCorrelation), and the events' metadata key for it. */
    private static final String CORRELATION_ID = "correlationId";

    private final CommandGateway commands;
    private final CommandTargetResolver sessionOfCommand;
    private final Cache liveSessionCache;

    SessionCommands(CommandGateway commands, CommandTargetResolver sessionOfCommand,
                    @Qualifier("liveSessionCache") Cache liveSessionCache) {
        this.commands = commands;
        this.sessionOfCommand = sessionOfCommand;
        this.liveSessionCache = liveSessionCache;
    }

    /**
     * The command decides on the session as stored, not on this node's cached copy: another node sharing the store
     * may have changed the session since (ADR 16), and a copy that finds nothing to do writes nothing, so no conflict
     * would tell. Actions and cleanup runs are rare next to live signals; a read each is cheap.
     * <p>
     * Another node may also change the same session at the same moment (its webhooks, its deadlines, its own cleanup
     * run): the loser of that race finds the session's next event number taken, and tries again on the session as it
     * is now, which decides again whether there is anything left to do.
     *
     * @return whether the session changed
     */
    boolean send(Object command, String actor) {
        MetaData cause = MetaData.with("actor", actor);
        // The request's correlation id, as a live signal's events carry the webhook's: Axon gives it to the events.
        String correlationId = MDC.get(CORRELATION_ID);
        if (correlationId != null) {
            cause = cause.and(CORRELATION_ID, correlationId);
        }
        CommandMessage<?> message = GenericCommandMessage.asCommandMessage(command).withMetaData(cause);
        for (int attempt = 1; ; attempt++) {
            liveSessionCache.remove(sessionOfCommand.resolveTarget(message).getIdentifier());
            try {
                return Boolean.TRUE.equals(commands.sendAndWait(message));
            } catch (ConcurrencyException raced) {
                if (attempt == ATTEMPTS) {
                    throw raced;
                }
            }
        }
    }
}
