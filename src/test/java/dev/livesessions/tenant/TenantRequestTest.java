package dev.livesessions.tenant;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TenantRequestTest {

    /** Spring's web layer writes the requests it reads in its trace log: the tenant's secret must not be in it. */
    @Test
    void aRequestWrittenOutShowsThatASecretWasGivenNotWhichOne() {
        TenantRequest request = new TenantRequest("acme", "Acme", List.of("+33612345678"), null, null, null,
                                                  "a-secret-of-at-least-32-characters", null, null, null, null, null,
                                                  null);

        assertThat(request.toString()).doesNotContain("a-secret-of")
                                      .contains("id=acme", "sellerPhones=[+33612345678]", "webhookSecret=(given)");
    }
}
