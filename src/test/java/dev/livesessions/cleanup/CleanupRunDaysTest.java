package dev.livesessions.cleanup;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** A run left to its defaults archives after the archive delay, counted in whole days and never fewer than one. */
class CleanupRunDaysTest {

    @Test
    void aDelayOfWholeDaysIsThatManyDays() {
        assertThat(CleanupRuns.wholeDays(Duration.ofDays(30))).isEqualTo(30);
    }

    @Test
    void aDelayBetweenTwoWholeDaysIsRoundedUpSoThatARunArchivesNoSoonerThanTheAutomaticArchiving() {
        assertThat(CleanupRuns.wholeDays(Duration.ofDays(2).plusHours(1))).isEqualTo(3);
    }

    @Test
    void aDelayOfHoursIsOneDayNotZeroWhichWouldArchiveEverySessionWithAutoCleanup() {
        assertThat(CleanupRuns.wholeDays(Duration.ofHours(12))).isEqualTo(1);
        assertThat(CleanupRuns.wholeDays(Duration.ZERO)).isEqualTo(1);
    }
}
