package dev.livesessions;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Code patterns that can hold a thread for minutes on one message, told from those that cannot. */
@Timeout(5)
class NestedRepetitionTest {

    @ParameterizedTest
    @ValueSource(strings = {"(a+)+", "(?:a*)*", "((a)+)+", "(?:[A-Z]+,)+", "(x|(?:a{2}))+", "(?:a?){2}",
                            "(?:a+){2,}", "(?:a{1,3}){1,5}", "(?:a+)*?", "(?:\\p{Lu}+)+", "(?:(?:){9}){9}c",
                            "\\c{(a+)+}", "\\c[(a+)+", "[\\c]](?:a+)+"})
    void aGroupRepeatedMoreThanOnceThatRepeatsSomethingItselfIsFound(String codePattern) {
        Pattern.compile(codePattern);
        assertThat(NestedRepetition.problemWith(codePattern)).get().asString().contains("(a+)+");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[A-Za-z]{1,3}[0-9]{1,6}", "#\\d{3}", "(?:[A-Z]{1,2}-)?[0-9]+", "(?:a+)?", "(?:a+){0,1}",
                            "(ab)+", "(?:a|b)+", "(?<code>[A-Z]\\d+)", "(?=a+)b", "\\p{Lu}{1,3}\\d+", "[(+)]+",
                            "\\(a+\\)+", "\\Q(a+)+\\E", "[]a+]+", "[^]a+]+", "[a-z[0-9]]+", "\\c{", "(?i-x)[a-z]\\d+"})
    void anythingElseIsNot(String codePattern) {
        Pattern.compile(codePattern);
        assertThat(NestedRepetition.problemWith(codePattern)).isEmpty();
    }

    /**
     * Each required repetition is taken without a look at whether it read anything: ^{999999999} is a billion steps
     * at each place of every message, which no bound on the characters read stops.
     */
    @ParameterizedTest
    @ValueSource(strings = {"^{999999999}[A-Z]\\d+", "(?:){2147483647}A", "(?=A){33}A\\d+", "(?:^){40,}A", "A{33}",
                            "(?:(?:){999}){999}c"})
    void aRepetitionRequiredMoreThanACodeIsLongIsFound(String codePattern) {
        Pattern.compile(codePattern);
        assertThat(NestedRepetition.problemWith(codePattern)).get().asString().contains("more than 32");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\d{32}", "[A-Z]{0,999}\\d+", "A{1,}\\d{2,32}"})
    void aRepetitionRequiredAtMostAsOftenAsACodeIsLongIsNot(String codePattern) {
        Pattern.compile(codePattern);
        assertThat(NestedRepetition.problemWith(codePattern)).isEmpty();
    }

    /** Spaces and comments may stand between a group and its repetition: (?x)(?:(?:) {999}) {999} would slip by. */
    @ParameterizedTest
    @ValueSource(strings = {"(?x)(?:(?:) {999}) {999}", "(?ix:[a-z] \\d+)", "(?x)\\d+ # like (AB+){x}"})
    void commentsModeIsRefused(String codePattern) {
        Pattern.compile(codePattern);
        assertThat(NestedRepetition.problemWith(codePattern)).get().asString().contains("comments mode");
    }
}
