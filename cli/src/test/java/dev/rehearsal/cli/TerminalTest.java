package dev.rehearsal.cli;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** When the progress line is shown, and how wide: from the environment and where standard error leads. */
class TerminalTest {

    private static Terminal detect(Map<String, String> env, String stderr, boolean console, int stty) {
        return Terminal.detect(env, Optional.ofNullable(stderr), () -> console, () -> stty);
    }

    @Test
    void aTerminalOnStandardErrorShowsProgressAtItsWidth() {
        assertThat(detect(Map.of(), "/dev/pts/3", false, 132)).isEqualTo(new Terminal(true, 132));
        assertThat(detect(Map.of("COLUMNS", "60"), "/dev/pts/3", false, 132)).isEqualTo(new Terminal(true, 60));
        assertThat(detect(Map.of(), "/dev/tty1", false, 0)).isEqualTo(new Terminal(true, 80));
    }

    @Test
    void aFileOrAPipeShowsNoneWhateverTheConsoleSays() {
        // recent JDKs give a console even when output is redirected: where standard error leads decides
        assertThat(detect(Map.of(), "/tmp/rehearsal.log", true, 132).progress()).isFalse();
        assertThat(detect(Map.of(), "pipe:[48213]", true, 132).progress()).isFalse();
        assertThat(detect(Map.of(), "/dev/null", true, 132).progress()).isFalse();
    }

    @Test
    void noColorAndADumbTerminalShowNone() {
        assertThat(detect(Map.of("NO_COLOR", "1"), "/dev/pts/3", true, 132).progress()).isFalse();
        assertThat(detect(Map.of("TERM", "dumb"), "/dev/pts/3", true, 132).progress()).isFalse();
        assertThat(detect(Map.of("NO_COLOR", ""), "/dev/pts/3", true, 132).progress()).as("NO_COLOR empty: unset")
                .isTrue();
    }

    @Test
    void withoutProcTheConsoleDecides() {
        assertThat(detect(Map.of(), null, true, 100)).isEqualTo(new Terminal(true, 100));
        assertThat(detect(Map.of(), null, false, 100).progress()).isFalse();
    }

    /** This test's own process: Surefire's fork writes standard error to a pipe, so no progress line. */
    @Test
    void theTestProcessItselfIsNoTerminal() {
        assertThat(Terminal.detect().progress()).isFalse();
    }
}
