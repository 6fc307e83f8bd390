package dev.livesessions.query;

import dev.livesessions.api.SessionStatus;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

/** Sessions newest first; {@code tenantId} null means all tenants. */
interface SessionEntryRepository extends JpaRepository<SessionEntry, String> {

    @Query("""
            SELECT s FROM SessionEntry s
            WHERE (:tenantId IS NULL OR s.tenantId = :tenantId) AND s.status IN :statuses
            ORDER BY s.createdAt DESC, s.sessionId
            """)
    Page<SessionEntry> find(String tenantId, Collection<SessionStatus> statuses, Pageable page);

    /**
     * Of the given statuses: active sessions past their window, and closed ones in the notice period before their
     * archive.
     */
    @Query("""
            SELECT s FROM SessionEntry s
            WHERE (:tenantId IS NULL OR s.tenantId = :tenantId) AND s.status IN :statuses
              AND ((s.status = ACTIVE AND s.expiresAt < :now) OR (s.status = CLOSED AND s.archiveNoticeAt IS NOT NULL))
            ORDER BY s.createdAt DESC, s.sessionId
            """)
    Page<SessionEntry> findCandidates(String tenantId, Collection<SessionStatus> statuses, Instant now, Pageable page);

    @Query("""
            SELECT s FROM SessionEntry s
            WHERE (:tenantId IS NULL OR s.tenantId = :tenantId) AND s.status = ACTIVE AND s.expiresAt >= :now
            ORDER BY s.createdAt DESC, s.sessionId
            """)
    Page<SessionEntry> findActiveWithinWindow(String tenantId, Instant now, Pageable page);

    @Query("""
            SELECT s FROM SessionEntry s
            WHERE (:tenantId IS NULL OR s.tenantId = :tenantId) AND s.status = CLOSED AND s.archiveNoticeAt IS NULL
            ORDER BY s.createdAt DESC, s.sessionId
            """)
    Page<SessionEntry> findInactive(String tenantId, Pageable page);

    @Query("""
            SELECT s.sessionId FROM SessionEntry s
            WHERE (:tenantId IS NULL OR s.tenantId = :tenantId) AND s.tenantId NOT IN :except AND s.status = ACTIVE
              AND s.lastActivityAt < :idleBefore AND (:after IS NULL OR s.sessionId > :after)
            ORDER BY s.sessionId
            """)
    List<String> findIdleActive(String tenantId, Collection<String> except, Instant idleBefore, String after,
                                Pageable limit);

    @Query("""
            SELECT count(s) FROM SessionEntry s
            WHERE (:tenantId IS NULL OR s.tenantId = :tenantId) AND s.tenantId NOT IN :except AND s.status = ACTIVE
              AND s.lastActivityAt < :idleBefore
            """)
    long countIdleActive(String tenantId, Collection<String> except, Instant idleBefore);

    @Query("""
            SELECT s.sessionId FROM SessionEntry s
            WHERE (:tenantId IS NULL OR s.tenantId = :tenantId) AND s.tenantId NOT IN :except
              AND s.status IN (ACTIVE, CLOSED) AND s.autoCleanup = true
              AND (s.archiveNoticeAt IS NULL OR s.archiveAt <= :asOf)
              AND s.lastActivityAt < :idleBefore AND (s.restoredAt IS NULL OR s.restoredAt < :idleBefore)
              AND (:after IS NULL OR s.sessionId > :after)
            ORDER BY s.sessionId
            """)
    List<String> findArchivable(String tenantId, Collection<String> except, Instant asOf, Instant idleBefore,
                                String after, Pageable limit);

    @Query("""
            SELECT count(s) FROM SessionEntry s
            WHERE (:tenantId IS NULL OR s.tenantId = :tenantId) AND s.tenantId NOT IN :except
              AND s.status IN (ACTIVE, CLOSED) AND s.autoCleanup = true
              AND (s.archiveNoticeAt IS NULL OR s.archiveAt <= :asOf)
              AND s.lastActivityAt < :idleBefore AND (s.restoredAt IS NULL OR s.restoredAt < :idleBefore)
            """)
    long countArchivable(String tenantId, Collection<String> except, Instant asOf, Instant idleBefore);
}
