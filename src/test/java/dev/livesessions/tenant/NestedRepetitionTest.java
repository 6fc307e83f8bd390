package dev.livesessions.tenant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Code patterns that can hold a thread for minutes on one message, told from those that cannot. */
class NestedRepetitionTest {

    @ParameterizedTest
    @ValueSource(strings = {"(a+)+", "(?:a*)*", "((a)+)+", "(?:[A-Z]+,)+", "(x|(?:a{2}))+", "(?:a?){2}",
                            "(?:a+){2,}", "(?:a{1,3}){1,5}", "(?:a+)*?", "(?:\\p{Lu}+)+", "(?:(?:){999}){999}c"})
    void aGroupRepeatedMoreThanOnceThatRepeatsSomethingItselfIsFound(String codePattern) {
        Pattern.compile(codePattern);
        assertThat(NestedRepetition.in(codePattern)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"[A-Za-z]{1,3}[0-9]{1,6}", "#\\d{3}", "(?:[A-Z]{1,2}-)?[0-9]+", "(?:a+)?", "(?:a+){0,1}",
                            "(ab)+", "(?:a|b)+", "(?<code>[A-Z]\\d+)", "(?=a+)b", "\\p{Lu}{1,3}\\d+", "[(+)]+",
                            "\\(a+\\)+", "\\Q(a+)+\\E", "[]a+]+", "[^]a+]+", "[a-z[0-9]]+"})
    void anythingElseIsNot(String codePattern) {
        Pattern.compile(codePattern);
        assertThat(NestedRepetition.in(codePattern)).isFalse();
    }
}
