package dev.livesessions.tenant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Set;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class SendersTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "'+33 6 12 34 56 78', 33612345678",
            "'0033 6 12 34 56 78', 33612345678",
            "'33612345678', 33612345678",
            "'+1 (415) 555-0100', 14155550100",
            "'+33 (0)6 12 34 56 78', 33612345678",
            "'+44 (0)20 7946 0958', 442079460958",
            "'  @Shop.Owner ', @shop.owner",
            "'ShopOwner', @shopowner",
            "'A12', @a12",
            "'12345', @12345",
            "'@1234567', @1234567",
            "'1234567', 1234567",
            "'whatsapp:+33612345678', 33612345678",
            "'33612345678@c.us', 33612345678",
            "'33612345678@s.whatsapp.net', 33612345678",
            "'33612345678:12@s.whatsapp.net', 33612345678",
            "'123456789012345@lid', 123456789012345@lid",
            "' 123456789012345:2@LID', 123456789012345@lid",
            "'+33\u00A06\u00A012\u00A034\u00A056\u00A078\u202F', 33612345678",
    })
    void oneSpellingPerSender(String sender, String normalized) {
        assertThat(Senders.normalize(sender)).isEqualTo(normalized);
    }

    /** WhatsApp's ids for Mexican mobiles and older Brazilian accounts differ from the numbers' E.164 form. */
    @ParameterizedTest(name = "{0} is also {1}")
    @CsvSource({
            "5215512345678, 525512345678",
            "525512345678, 5215512345678",
            "5511987654321, 551187654321",
            "551187654321, 5511987654321",
            "551132654321, 551132654321",
            "33612345678, 33612345678",
            "55116789@lid, 55116789@lid",
            "55ab6789wxyz, 55ab6789wxyz",
    })
    void someNumbersHaveAnotherSpellingAtWhatsApp(String number, String other) {
        assertThat(Senders.otherSpelling(number)).isEqualTo(other);
    }

    /** A handle may be all digits: it is still not the phone number of those digits, nor the other way round. */
    @Test
    void aHandleIsNeverAPhoneNumber() {
        TenantSettings byNumber = tenantWhoseSellerIs("+33 6 12 34 56 78");
        TenantSettings byHandle = tenantWhoseSellerIs("@Shop.Owner");

        assertThat(byNumber.isSeller("33612345678")).isTrue();
        assertThat(byNumber.isSeller("@33612345678")).isFalse();
        assertThat(byHandle.isSeller("shop.owner")).isTrue();
        assertThat(byHandle.isSeller("@SHOP.OWNER")).isTrue();
        TenantSettings byShortHandle = tenantWhoseSellerIs("@12345");
        assertThat(byShortHandle.isSeller("12345")).isTrue();
        assertThat(byShortHandle.isSeller("@12345")).isTrue();
    }

    @Test
    void aSellerIsRecognisedUnderEitherSpelling() {
        TenantSettings mexican = tenantWhoseSellerIs("+52 55 1234 5678");

        assertThat(mexican.isSeller("5215512345678")).isTrue();
        assertThat(mexican.isSeller("525512345678")).isTrue();
        assertThat(mexican.isSeller("5215512345679")).isFalse();
    }

    /** A seller who hides their number writes from a linked id, never from the number's digits. */
    @Test
    void aSellerRegisteredByTheirLinkedIdIsRecognisedFromAnyOfTheirDevices() {
        TenantSettings shop = tenantWhoseSellerIs("123456789012345@lid");

        assertThat(shop.isSeller("123456789012345@lid")).isTrue();
        assertThat(shop.isSeller("123456789012345:3@lid")).isTrue();
        assertThat(shop.isSeller("123456789012345")).isFalse();
        assertThat(shop.isSeller("123456789012345@c.us")).isFalse();
    }

    @ParameterizedTest(name = "{0} can be a seller")
    @ValueSource(strings = {"+33 6 12 34 56 78", "0033612345678", "33612345678", "+1 (415) 555-0100",
                            "(0044) 20 7946 0000", "+44 (0)20 7946 0000", "@Shop.Owner", "shop_owner", "Boutique-Élise",
                            "123456789012345@lid", "1234", "123456", "012345", "FR.1502576394655843",
                            "US.13491208655302741918", "+33\u00A06\u00A012\u00A034\u00A056\u00A078",
                            "whatsapp:+33612345678", "33612345678@c.us", "+39 06 1234 5678", "+225 07 07 12 34 56",
                            "+52 1 55 1234 5678"})
    void internationalPhonesAndHandlesCanBeSellers(String seller) {
        assertThat(Senders.problemWith(seller)).isNull();
    }

    @ParameterizedTest(name = "{0} cannot be a seller")
    @ValueSource(strings = {"06 12 34 56 78", "(020) 7946 0000", "(0)6 12 34 56 78", "( 06) 12 34 56 78", "+33 6",
                            "+123456", "12 34 56", "+1234567890123456", "shop owner", "a/b", "@"})
    void nationalNumbersImpossibleNumbersAndOddHandlesCannot(String seller) {
        assertThat(Senders.problemWith(seller)).isNotBlank();
    }

    /**
     * Providers report +33 06 12 34 56 78 as 33612345678: the 0 is dialled at home only, as in +33 (0)6 .... So is
     * Argentina's 15 of a mobile, which becomes a 9 after the country code.
     */
    @ParameterizedTest(name = "{0} is refused, to be given as +{1}")
    @CsvSource({
            "'+33 06 12 34 56 78', 33612345678",
            "'+44 07400 123456', 447400123456",
            "'+54 11 15 1234 5678', 5491112345678",
            "'+49 0151 12345678', 4915112345678",
            "'+7 8 912 345-67-89', 79123456789",
    })
    void aNumberWithItsNationalPrefixAfterTheCountryCodeCannot(String seller, String dialled) {
        assertThat(Senders.problemWith(seller)).contains("not how the number is dialled from abroad")
                                                .endsWith("give it as +" + dialled);
    }

    /** 07700 900xxx is a range the UK keeps for fiction: by rules the library does not know, a number is taken. */
    @Test
    void aNumberTheLibrarysRulesDoNotKnowIsTakenAsWritten() {
        assertThat(Senders.problemWith("+44 07700 900123")).isNull();
    }

    @Test
    void digitsWithATrunkPrefixAreANationalNumberAsStored() {
        assertThat(Senders.isStoredNationalNumber("0612345678")).isTrue();
        assertThat(Senders.isStoredNationalNumber("330612345678")).as("+33 06 ..., stored before it was refused")
                                                                  .isTrue();
        assertThat(Senders.isStoredNationalNumber("390612345678")).as("+39 06 ..., as Italy dials it").isFalse();
        assertThat(Senders.isStoredNationalNumber("33612345678")).isFalse();
        assertThat(Senders.isStoredNationalNumber("@012345")).isFalse();
        assertThat(Senders.isStoredNationalNumber("0123456789012@lid")).isFalse();
    }

    /** Meta's user ids run to 131 characters; a handle of any other shape stops at 64. */
    @Test
    void aWhatsAppUserIdMayRunLongerThanAHandle() {
        assertThat(Senders.problemWith("FR." + "4242QfZ0".repeat(16))).isNull();
        assertThat(Senders.problemWith("FR." + "4".repeat(129))).isNotBlank();
        assertThat(Senders.problemWith("shop." + "owner".repeat(12))).isNotBlank();
    }

    private static TenantSettings tenantWhoseSellerIs(String seller) {
        return new TenantSettings("shop", Set.of(Senders.normalize(seller)), Duration.ofMinutes(45),
                                  Pattern.compile("A\\d+"), null, Duration.ofDays(30), true, null, null, true,
                                  Duration.ofDays(1));
    }
}
