package dev.rehearsal.core.internal.postgres;

import io.zonky.test.db.postgres.util.LinuxUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Asks the PostgreSQL binary itself whether it accepts server settings ({@code postgres -D <data> -C server_version
 * -c name=value ...}): it parses them as a start would, prints its own error and exits, in about 30 ms, without
 * starting a server. zonky reports a server that did not start only after waiting its whole startup time (10 s),
 * and without the reason; a start that failed on a setting must not be retried on a fresh {@code initdb} (another
 * 10 s and more) nor discard a kept cluster that was fine.
 */
final class ServerSettingsCheck {

    private static final Logger LOG = LoggerFactory.getLogger(ServerSettingsCheck.class);

    private ServerSettingsCheck() {
    }

    /**
     * PostgreSQL's own message for the first setting it refuses, or empty when it accepts them all, or when it cannot
     * be asked (no such binary, the check itself failed to run).
     *
     * @param postgres      the {@code postgres} executable of the binaries the server runs
     * @param dataDirectory an initialized data directory (its {@code postgresql.conf} is read too)
     */
    static Optional<String> rejection(Path postgres, Path dataDirectory, Map<String, String> settings) {
        if (!Files.isExecutable(postgres) || !Files.isDirectory(dataDirectory)) {
            return Optional.empty();
        }
        List<String> command = new ArrayList<>();
        if (LinuxUtils.isUnshareAvailable()) {
            // as zonky runs its commands when the JVM runs as root: PostgreSQL refuses root, not a user namespace
            command.addAll(List.of("unshare", "-U"));
        }
        command.addAll(List.of(postgres.toString(), "-D", dataDirectory.toString(), "-C", "server_version"));
        settings.forEach((name, value) -> command.addAll(List.of("-c", name + "=" + value)));
        try {
            Process check = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!check.waitFor(30, TimeUnit.SECONDS)) {
                check.destroyForcibly();
                return Optional.empty();
            }
            if (check.exitValue() == 0) {
                return Optional.empty();
            }
            return output.lines().filter(l -> l.contains("FATAL:") || l.contains("invalid"))
                    .map(l -> l.substring(Math.max(0, l.indexOf("FATAL:"))).replaceAll("\\s+", " ").trim())
                    .findFirst().or(() -> Optional.of(output.strip())).filter(s -> !s.isEmpty());
        } catch (IOException e) {
            LOG.debug("Could not ask {} about the server settings: {}", postgres, e.toString());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
