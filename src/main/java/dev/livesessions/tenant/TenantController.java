package dev.livesessions.tenant;

import dev.livesessions.security.Caller;
import jakarta.validation.Valid;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
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
        return ResponseEntity.created(URI.create("/api/tenants/" + created.id())).body(created);
    }

    @GetMapping
    List<TenantResponse> all() {
        return registry.all();
    }

    @GetMapping("/{id}")
    TenantResponse get(@PathVariable String id, Caller caller) {
        caller.mayRead(id);
        return registry.get(id);
    }

    @GetMapping("/{id}/changes")
    List<TenantChange.View> changes(@PathVariable String id) {
        return registry.changesOf(id);
    }

    @PutMapping("/{id}")
    TenantResponse update(@PathVariable String id, @Valid @RequestBody TenantRequest request, Caller caller) {
        return registry.update(id, request, caller.name());
    }
}
