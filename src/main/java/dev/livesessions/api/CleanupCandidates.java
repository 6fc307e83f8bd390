package dev.livesessions.api;

import java.util.List;

/** One batch of cleanup candidates, and how many there are in all. */
public record CleanupCandidates(List<String> sessionIds, long total) {
}
