package dev.livesessions.cleanup;

import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;

import java.util.List;
import java.util.UUID;

interface CleanupRunRepository extends JpaRepository<CleanupRun, UUID> {

    List<CleanupRun> findByOrderByRequestedAtDesc(Pageable limit);
}
