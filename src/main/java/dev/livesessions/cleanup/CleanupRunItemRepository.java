package dev.livesessions.cleanup;

import org.springframework.data.jpa.repository.JpaRepository;

import java.util.List;
import java.util.UUID;

interface CleanupRunItemRepository extends JpaRepository<CleanupRunItem, Long> {

    List<CleanupRunItem> findByRunIdOrderById(UUID runId);
}
