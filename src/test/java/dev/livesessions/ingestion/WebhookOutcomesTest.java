package dev.livesessions.ingestion;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookOutcomesTest {

    /** Alerts on the messages not stored see the first one as an increase from zero, not as a new series. */
    @Test
    void theMessagesNotStoredAreCountedFromZeroBeforeTheFirst() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();

        new WebhookOutcomes(meters);

        Counter notStored = meters.find(WebhookOutcomes.MESSAGES).tags("classification", "not_stored", "status", "503")
                                  .counter();
        assertThat(notStored).isNotNull();
        assertThat(notStored.count()).isZero();
    }
}
