package dev.livesessions.cleanup;

import dev.livesessions.api.ChangeAutoCleanup;
import dev.livesessions.api.CloseLiveSession;
import dev.livesessions.api.DeleteSession;
import dev.livesessions.api.RestoreSession;
import dev.livesessions.security.Caller;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import java.time.Clock;

/**
 * The manual controls of a session: deactivate, delete (confirmed by repeating the session id), restore, and
 * auto-cleanup on or off. Each answers whether the session changed: doing it twice changes nothing the second time.
 */
@RestController
class SessionActionsController {

    /** What an action did. */
    record SessionAction(String sessionId, String action, boolean changed) {
    }

    record AutoCleanupRequest(@NotNull Boolean enabled) {
    }

    private final SessionCommands commands;
    private final Clock clock;

    SessionActionsController(SessionCommands commands, Clock clock) {
        this.commands = commands;
        this.clock = clock;
    }

    @PostMapping("/api/sessions/{sessionId}/deactivate")
    SessionAction deactivate(@PathVariable String sessionId, Caller caller) {
        caller.mayControlSession(sessionId);
        return act(caller, sessionId, "deactivate", new CloseLiveSession(sessionId, clock.instant()));
    }

    @DeleteMapping("/api/sessions/{sessionId}")
    SessionAction delete(@PathVariable String sessionId, @RequestParam(required = false) String confirm,
                         Caller caller) {
        caller.mayControlSession(sessionId);
        if (!sessionId.equals(confirm)) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
                                              "Deleting needs confirmation: repeat the session id as ?confirm="
                                              + sessionId);
        }
        return act(caller, sessionId, "delete", new DeleteSession(sessionId, clock.instant()));
    }

    @PostMapping("/api/sessions/{sessionId}/restore")
    SessionAction restore(@PathVariable String sessionId, Caller caller) {
        caller.mayControlSession(sessionId);
        return act(caller, sessionId, "restore", new RestoreSession(sessionId, clock.instant()));
    }

    @PutMapping("/api/sessions/{sessionId}/auto-cleanup")
    SessionAction autoCleanup(@PathVariable String sessionId, @Valid @RequestBody AutoCleanupRequest request,
                              Caller caller) {
        caller.mayControlSession(sessionId);
        return act(caller, sessionId, request.enabled() ? "auto-cleanup on" : "auto-cleanup off",
                   new ChangeAutoCleanup(sessionId, request.enabled(), clock.instant()));
    }

    /** Another node kept writing the session through every attempt (a hot live's): nothing changed, try again. */
    @ExceptionHandler(ConcurrencyException.class)
    ProblemDetail busySession(ConcurrencyException exception) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, "The session changed meanwhile at every "
                                                                     + "attempt; nothing was done, try again.");
    }

    @ExceptionHandler(AggregateNotFoundException.class)
    ProblemDetail unknownSession(AggregateNotFoundException exception) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND,
                                                "No session '" + exception.getAggregateIdentifier() + "'");
    }

    /** Carries out the action for the caller, who may, and is recorded as its actor in the events it causes. */
    private SessionAction act(Caller caller, String sessionId, String action, Object command) {
        return new SessionAction(sessionId, action, commands.send(command, caller.name()));
    }
}
