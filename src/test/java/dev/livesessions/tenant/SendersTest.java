package dev.livesessions.tenant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class SendersTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "'+33 6 12 34 56 78', 33612345678",
            "'0033 6 12 34 56 78', 33612345678",
            "'33612345678', 33612345678",
            "'+1 (415) 555-0100', 14155550100",
            "'  @Shop.Owner ', shop.owner",
            "'ShopOwner', shopowner",
            "'A12', a12",
    })
    void oneSpellingPerSender(String sender, String normalized) {
        assertThat(Senders.normalize(sender)).isEqualTo(normalized);
    }
}
