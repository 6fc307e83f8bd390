package dev.livesessions.cleanup;

import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.messaging.MetaData;
import org.axonframework.modelling.command.ConcurrencyException;
import org.springframework.stereotype.Component;

/** Sends lifecycle commands to sessions, saying who acts: the events they cause carry it in their metadata. */
@Component
class SessionCommands {

    private final CommandGateway commands;

    SessionCommands(CommandGateway commands) {
        this.commands = commands;
    }

    private static final int ATTEMPTS = 3;

    /**
     * Another node may change the same session at the same moment (its webhooks, its deadlines, its own cleanup run):
     * the loser of that race finds the session's next event number taken, and tries again on the session as it is
     * now, which decides again whether there is anything left to do.
     *
     * @return whether the session changed
     */
    boolean send(Object command, String actor) {
        for (int attempt = 1; ; attempt++) {
            try {
                Boolean changed = commands.sendAndWait(
                        GenericCommandMessage.asCommandMessage(command).withMetaData(MetaData.with("actor", actor)));
                return Boolean.TRUE.equals(changed);
            } catch (ConcurrencyException raced) {
                if (attempt == ATTEMPTS) {
                    throw raced;
                }
            }
        }
    }
}
