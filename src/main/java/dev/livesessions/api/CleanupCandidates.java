package dev.livesessions.api;

import java.util.List;

/**
 * One batch of cleanup candidates, and how many there are in all.
 *
 * @param replaying whether a replay is rebuilding the read models the candidates come from: the sessions it has not
 *                  reached yet are missing
 */
public record CleanupCandidates(List<String> sessionIds, long total, boolean replaying) {
}
