package dev.livesessions.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.livesessions.api.LiveSessionEvent;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.springframework.stereotype.Component;

import java.util.Objects;

/**
 * The sequence number of the last event this node wrote to each session, so that the write path can tell when
 * another node (sharing the database) wrote to a session since: its cached copy of the session is then out of date.
 * <p>
 * Sending a command to an out-of-date copy would end in a duplicate sequence number at commit, rolling the whole
 * batch back (and burning global index numbers, which every processor's token then carries as gaps). Reading the
 * session again first costs a load instead. With one node, or with a load balancer that routes by tenant, the copy is
 * never out of date and nothing is read again.
 * <p>
 * Updated by a subscribing processor, inside the transaction that writes the event: an event that then rolls back
 * leaves a number the store does not have, which only makes the session read again.
 */
@Component
@ProcessingGroup(LatestSessions.PROCESSING_GROUP)
class SessionsWrittenHere {

    /** Kept as long as the cached sessions they vouch for. */
    private final Cache<String, Long> lastSequenceBySession = Caffeine.newBuilder()
            .maximumSize(SessionConfiguration.CACHED_SESSIONS)
            .expireAfterAccess(SessionConfiguration.CACHED_WHILE_IDLE)
            .build();

    @EventHandler
    void on(LiveSessionEvent event, @SequenceNumber long sequence) {
        lastSequenceBySession.asMap().merge(event.sessionId(), sequence, Math::max);
    }

    /** Whether the store's last event of the session is the last one this node wrote (null: the session has none). */
    boolean isLatestWrittenHere(String sessionId, Long storedSequence) {
        return storedSequence != null && Objects.equals(lastSequenceBySession.getIfPresent(sessionId), storedSequence);
    }
}
