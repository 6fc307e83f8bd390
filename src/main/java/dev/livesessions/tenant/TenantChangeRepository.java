package dev.livesessions.tenant;

import org.springframework.data.jpa.repository.JpaRepository;

import java.util.List;

interface TenantChangeRepository extends JpaRepository<TenantChange, Long> {

    List<TenantChange> findByTenantIdOrderByChangedAtAscIdAsc(String tenantId);
}
