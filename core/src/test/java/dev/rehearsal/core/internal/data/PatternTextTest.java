package dev.rehearsal.core.internal.data;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** PostgreSQL's regular expressions and LIKE patterns, as the seeder's generator reads them. */
class PatternTextTest {

    @Test
    void postgresClassesEscapesAndAnchorsBecomeWhatTheGeneratorReads() {
        assertThat(PatternText.fromPostgresRegex("^[[:alpha:]][[:alnum:]_]*$")).hasValue("[a-zA-Z][a-zA-Z0-9_]*");
        assertThat(PatternText.fromPostgresRegex("^\\d{5}(-\\d{4})?$")).hasValue("[0-9]{5}(-[0-9]{4})?");
        assertThat(PatternText.fromPostgresRegex("^a$|^b$")).hasValue("a|b");
        assertThat(PatternText.fromPostgresRegex("^[]a]+$")).as("a ']' first in a class is a member").hasValue("[]a]+");
        assertThat(PatternText.fromPostgresRegex("^[^]a]+$")).hasValue("[^]a]+");
    }

    @Test
    void whatTheGeneratorCannotMakeIsLeftToTheDatabase() {
        assertThat(PatternText.fromPostgresRegex("^(a)\\1$")).as("a back reference").isEmpty();
        assertThat(PatternText.fromPostgresRegex("^(?=a)")).as("a lookahead").isEmpty();
        assertThat(PatternText.fromPostgresRegex("^\\D+$")).as("a negated class escape").isEmpty();
        assertThat(PatternText.fromPostgresRegex("^[[:nope:]]$")).as("an unknown class").isEmpty();
    }

    @Test
    void likePatternsMatchWhatTheyAccept() {
        String regex = PatternText.fromLike("acct-%_x");
        assertThat("acct-abc1x").matches(regex);
        assertThat(regex).startsWith("acct\\-");
    }
}
