package dev.livesessions.query;

import java.time.LocalDate;

/** The inactive sessions of a tenant whose last activity was on one day: a key of {@code tenant_idle_day}. */
record IdleDay(String tenantId, LocalDate day) {
}
