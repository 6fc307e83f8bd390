package dev.livesessions.query;

import org.springframework.data.jpa.repository.JpaRepository;

interface TenantStatsRepository extends JpaRepository<TenantStatsEntry, String> {
}
