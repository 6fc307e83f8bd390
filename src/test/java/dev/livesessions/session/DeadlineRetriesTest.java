package dev.livesessions.session;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class DeadlineRetriesTest {

    @ParameterizedTest(name = "after {0} failure(s) in a row: {1}")
    @CsvSource({"0, PT1S", "1, PT2S", "2, PT4S", "4, PT16S", "5, PT30S", "12, PT30S", "62, PT30S", "1000, PT30S"})
    void aFailedDeadlineIsTriedAgainSoonerTheFewerItsFailuresAndWithinHalfAMinuteWhatever(int failuresBefore,
                                                                                       Duration next) {
        assertThat(DeadlineRetries.after(failuresBefore)).isEqualTo(next);
    }
}
