package dev.livesessions.cleanup;

import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.messaging.MetaData;
import org.springframework.stereotype.Component;

/** Sends lifecycle commands to sessions, saying who acts: the events they cause carry it in their metadata. */
@Component
class SessionCommands {

    private final CommandGateway commands;

    SessionCommands(CommandGateway commands) {
        this.commands = commands;
    }

    /** @return whether the session changed */
    boolean send(Object command, String actor) {
        Boolean changed = commands.sendAndWait(GenericCommandMessage.asCommandMessage(command)
                                                                    .withMetaData(MetaData.with("actor", actor)));
        return Boolean.TRUE.equals(changed);
    }
}
