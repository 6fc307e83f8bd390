package dev.livesessions.tenant;

import dev.livesessions.security.Caller;
import jakarta.validation.Valid;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.util.List;

/** The tenant registry's REST API. */
@RestController
@RequestMapping("/api/tenants")
class TenantController {

    private final TenantRegistry registry;

    TenantController(TenantRegistry registry) {
        this.registry = registry;
    }

    @PostMapping
    ResponseEntity<TenantResponse> create(@Valid @RequestBody TenantRequest request, Caller caller) {
        TenantResponse created = registry.create(request, caller.name());
        return ResponseEntity.created(URI.create("/api/tenants/" + created.id())).eTag(created.entityTag())
                             .body(created);
    }

    @GetMapping
    List<TenantResponse> all() {
        return registry.all();
    }

    @GetMapping("/{id}")
    ResponseEntity<TenantResponse> get(@PathVariable String id, Caller caller) {
        caller.mayRead(id);
        TenantResponse tenant = registry.get(id);
        return ResponseEntity.ok().eTag(tenant.entityTag()).body(tenant);
    }

    @GetMapping("/{id}/changes")
    List<TenantChange.View> changes(@PathVariable String id) {
        return registry.changesOf(id);
    }

    /** With {@code If-Match} (the {@code ETag} of a read), a change made since that read is not written over. */
    @PutMapping("/{id}")
    ResponseEntity<TenantResponse> update(@PathVariable String id, @Valid @RequestBody TenantRequest request,
                                          @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                                          Caller caller) {
        TenantResponse updated = registry.update(id, request, caller.name(), ifMatch);
        return ResponseEntity.ok().eTag(updated.entityTag()).body(updated);
    }
}
