package dev.rehearsal.core.internal.lifecycle;

import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddedServerReaperTest {

    /**
     * Two test JVMs (Surefire forks) start at once and both find what a JVM that is gone left: one of them deletes it,
     * the other goes on; neither fails on files the other deleted under it.
     */
    @Test
    void whatAGoneJvmLeftIsReapedOnceWhenSeveralStartAtOnce() throws Exception {
        Process exited = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version").redirectErrorStream(true).start();
        exited.getInputStream().readAllBytes();
        exited.waitFor();
        ProcessOwner gone = new ProcessOwner(ProcessOwner.current().host(), exited.pid(), System.currentTimeMillis());
        Path data = EmbeddedServerReaper.newDataDirectory();
        for (int d = 0; d < 20; d++) {
            Path dir = Files.createDirectories(data.resolve("base").resolve(Integer.toString(d)));
            for (int f = 0; f < 50; f++) {
                Files.write(dir.resolve(Integer.toString(f)), new byte[8192]);
            }
        }
        Properties claim = new Properties();
        claim.setProperty("owner", gone.mark());
        claim.setProperty("postmaster", Long.toString(exited.pid()));
        claim.setProperty("data", data.toString());
        Path owner = data.resolveSibling(data.getFileName() + ".owner");
        try (OutputStream out = Files.newOutputStream(owner)) {
            claim.store(out, null);
        }
        assertThat(gone.isGone()).isTrue();

        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<Path>>> reaps = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Callable<List<Path>> reap = EmbeddedServerReaper::reap;
                reaps.add(pool.submit(reap));
            }
            int reapedIt = 0;
            for (Future<List<Path>> reap : reaps) {
                reapedIt += reap.get().contains(data) ? 1 : 0; // get() rethrows what a reap threw
            }
            // another test JVM reaping at the same time may be the one that took it
            assertThat(reapedIt).isLessThanOrEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(data).doesNotExist();
        assertThat(owner).doesNotExist();
    }
}
