package dev.rehearsal.core.internal.lifecycle;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ProcessesTest {

    /**
     * A stopped postmaster is an orphan whose new parent may reap it late. Here a parent that never reaps: the shell
     * starts a short sleep in the background and then becomes a long sleep, which never waits for its child.
     * {@link ProcessHandle#isAlive()} still says the exited child is alive; {@link Processes#running} does not.
     */
    @Test
    void anExitedProcessNotYetReapedIsNotRunning() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/stat")), "the process state is read from /proc (Linux)");
        Process parent = new ProcessBuilder("sh", "-c", "sleep 0.1 & echo $!; exec sleep 60").start();
        try {
            long child;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))) {
                child = Long.parseLong(out.readLine().trim());
                assertThat(Processes.awaitExit(child, 30_000)).as("the child's sleep ends").isTrue();
            }
            assertThat(Processes.linuxState(child)).isEqualTo('Z');
            assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive)).as("what isAlive says of a zombie").hasValue(true);
            assertThat(Processes.running(child)).isFalse();
            assertThat(Processes.running(parent.pid())).as("the parent is still sleeping").isTrue();
        } finally {
            parent.destroyForcibly();
            parent.waitFor();
        }
        assertThat(Processes.running(parent.pid())).as("our own child, reaped by waitFor").isFalse();
    }

    @Test
    void aRunningProcessIsRunningAndAnUnknownOneIsNot() {
        assertThat(Processes.running(ProcessHandle.current().pid())).isTrue();
        assertThat(Processes.running(Long.MAX_VALUE)).isFalse();
        assertThat(Processes.awaitExit(ProcessHandle.current().pid(), 50)).as("times out").isFalse();
    }
}
