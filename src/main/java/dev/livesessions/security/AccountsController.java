package dev.livesessions.security;

import dev.livesessions.BcryptPassword;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import static dev.livesessions.PrintableText.NOT_PRINTABLE;
import static dev.livesessions.PrintableText.PRINTABLE;

/** Who is calling, and (for admins) the dashboard's users and the API tokens. */
@RestController
class AccountsController {

    record NewUser(@NotBlank @Pattern(regexp = "[a-z0-9._-]{1,60}",
                                      message = "must be 1-60 lower-case letters, digits, '.', '_' or '-'")
                   String username,
                   @NotNull @Size(min = 12) @BcryptPassword String password,
                   @NotNull Role role,
                   @Size(max = 40) @Pattern(regexp = PRINTABLE, message = NOT_PRINTABLE) String tenantId) {
    }

    record NewTokenRequest(@NotBlank @Size(max = 100) @Pattern(regexp = "[^\\p{Cntrl}]*") String name,
                           @NotNull Role role,
                           @Size(max = 40) @Pattern(regexp = PRINTABLE, message = NOT_PRINTABLE) String tenantId) {
    }

    private final UserAccounts users;
    private final ApiTokens tokens;
    private final JdbcTemplate jdbc;

    AccountsController(UserAccounts users, ApiTokens tokens, JdbcTemplate jdbc) {
        this.users = users;
        this.tokens = tokens;
        this.jdbc = jdbc;
    }

    @GetMapping("/api/me")
    Caller me(Caller caller) {
        return caller;
    }

    /** Makes a user, or makes again one that was disabled, with the password, role and tenant given now. */
    @PostMapping("/api/users")
    ResponseEntity<UserAccounts.UserView> createUser(@Valid @RequestBody NewUser user, Caller caller) {
        checkTenant(user.role(), user.tenantId());
        if (!users.create(user.username(), user.password(), user.role(), user.tenantId(), caller.name())) {
            throw new ResponseStatusException(HttpStatus.CONFLICT, "User '" + user.username() + "' exists");
        }
        UserAccounts.UserView created = users.all().stream()
                                             .filter(view -> view.username().equals(user.username()))
                                             .findFirst().orElseThrow();
        return ResponseEntity.created(URI.create("/api/users/" + user.username())).body(created);
    }

    @GetMapping("/api/users")
    List<UserAccounts.UserView> users() {
        return users.all();
    }

    /** Disables the user: logged out at their next request, and refused at the next login. */
    @DeleteMapping("/api/users/{username}")
    ResponseEntity<Void> disableUser(@PathVariable String username, Caller caller) {
        if (!users.disable(username, caller.name())) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No user '" + username + "'");
        }
        return ResponseEntity.noContent().build();
    }

    /** Makes a token; the answer is the only place its value ever appears. */
    @PostMapping("/api/tokens")
    ResponseEntity<ApiTokens.NewToken> createToken(@Valid @RequestBody NewTokenRequest request, Caller caller) {
        checkTenant(request.role(), request.tenantId());
        ApiTokens.NewToken token = tokens.create(request.name(), request.role(), request.tenantId(), caller.name());
        return ResponseEntity.created(URI.create("/api/tokens/" + token.id())).body(token);
    }

    @GetMapping("/api/tokens")
    List<ApiTokens.TokenView> tokens() {
        return tokens.all();
    }

    /** Revokes the token: refused from the next request on, on every node. */
    @DeleteMapping("/api/tokens/{id}")
    ResponseEntity<Void> revokeToken(@PathVariable UUID id, Caller caller) {
        if (!tokens.revoke(id, caller.name())) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No token " + id + " to revoke");
        }
        return ResponseEntity.noContent().build();
    }

    /** An admin sees every tenant and has none; a streamer or a viewer has exactly one, which exists. */
    private void checkTenant(Role role, String tenantId) {
        if (role == Role.ADMIN) {
            if (tenantId != null) {
                throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "An admin has no tenant");
            }
            return;
        }
        if (tenantId == null) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "A " + role.name().toLowerCase()
                                                                       + " needs a tenantId");
        }
        boolean exists = Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM tenant WHERE id = ?)", Boolean.class, tenantId));
        if (!exists) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "No tenant '" + tenantId + "'");
        }
    }
}
