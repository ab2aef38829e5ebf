package dev.rehearsal.core.internal.locks;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The probe threads' pool on its own, where the races are: a phase starts as soon as the previous phase's probes have
 * signalled their end, before their threads are idle again, and a probe that could not be stopped keeps its thread.
 */
class ProbeThreadsTest {

    @Test
    void aPhaseStartedRightAfterTheLastOneEndedReusesItsThreads() throws InterruptedException {
        try (ProbeThreads threads = new ProbeThreads()) {
            for (int phase = 0; phase < 500; phase++) {
                threads.reserve(5);
                CountDownLatch ended = new CountDownLatch(5);
                for (int i = 0; i < 5; i++) {
                    threads.run(ended::countDown);
                }
                assertThat(ended.await(1, TimeUnit.MINUTES)).as("phase %d's probes ran", phase).isTrue();
            }
            assertThat(threads.started()).as("threads started over 500 phases of five probes").isEqualTo(5);
        }
    }

    @Test
    void probesAbandonedByTheirPhaseDoNotDelayTheNextPhasesProbes() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        try (ProbeThreads threads = new ProbeThreads()) {
            threads.reserve(2);
            CountDownLatch stuckStarted = new CountDownLatch(2);
            for (int i = 0; i < 2; i++) {
                threads.run(() -> {
                    stuckStarted.countDown();
                    awaitQuietly(release);
                });
            }
            assertThat(stuckStarted.await(1, TimeUnit.MINUTES)).isTrue();
            threads.abandoned();
            threads.abandoned();

            threads.reserve(2);
            CountDownLatch next = new CountDownLatch(2);
            threads.run(next::countDown);
            threads.run(next::countDown);
            assertThat(next.await(1, TimeUnit.MINUTES))
                    .as("the next phase's probes ran while the abandoned ones still held their threads").isTrue();
            assertThat(threads.started()).isEqualTo(4);
        } finally {
            release.countDown();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
