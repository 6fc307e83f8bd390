package dev.livesessions.query;

import dev.livesessions.api.SessionStatus;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface SessionEntryRepository extends JpaRepository<SessionEntry, String> {

    @Query("""
            SELECT s FROM SessionEntry s
            WHERE (:tenantId IS NULL OR s.tenantId = :tenantId) AND (:status IS NULL OR s.status = :status)
            ORDER BY s.createdAt DESC, s.sessionId
            """)
    Page<SessionEntry> find(String tenantId, SessionStatus status, Pageable page);
}
