package dev.livesessions.api;

import java.util.List;

/** One page of sessions. */
public record SessionPage(List<SessionView> sessions, int page, int size, long totalElements) {
}
