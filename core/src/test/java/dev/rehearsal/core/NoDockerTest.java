package dev.rehearsal.core;

import dev.rehearsal.core.model.RehearsalException;

import dev.rehearsal.core.db.DatabaseProviders;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Asking for a container where there is no Docker engine: a JVM of its own, in a mount namespace where {@code /run}
 * (and so {@code /var/run/docker.sock}) is an empty tmpfs, says so and names the fallbacks. Testcontainers tries every
 * way to reach Docker, so hiding the socket is the only honest way to take this machine's engine away.
 */
class NoDockerTest {

    /** Run in the child JVM: asks for a container and prints what the user would read. */
    public static void main(String[] args) {
        try {
            DatabaseProviders.container("postgres:17");
            System.out.println("STARTED");
        } catch (RehearsalException e) {
            System.out.println("MESSAGE " + e.getMessage());
        }
    }

    private static boolean canHideRun() {
        try {
            Process p = new ProcessBuilder("unshare", "--mount", "sh", "-c", "mount -t tmpfs tmpfs /run")
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void withoutDockerTheMessageNamesTheFallbacks() throws IOException, InterruptedException {
        Assumptions.assumeTrue(canHideRun(), "needs unshare --mount (root) to hide the Docker socket");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(List.of("unshare", "--mount", "sh", "-c",
                "mount -t tmpfs tmpfs /run && exec \"$@\"", "sh", java, "-cp", System.getProperty("java.class.path"),
                NoDockerTest.class.getName()));
        pb.environment().remove("DOCKER_HOST");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(out).contains("MESSAGE Docker is not available, so Rehearsal cannot start postgres:17")
                .contains("embedded PostgreSQL (no Docker needed)").contains("rehearsal.jdbc.url")
                .doesNotContain("STARTED");
    }
}
