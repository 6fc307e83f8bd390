-- Every node reads the tenant change log by time, to forget the tenant settings changed elsewhere (TenantDirectory).
CREATE INDEX tenant_change_changed_at_idx ON tenant_change (changed_at);
