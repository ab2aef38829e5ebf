package dev.rehearsal.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code src/test/resources/histories/slow}, a history whose second migration runs for a minute, for the tests that
 * stop a running command line: when to stop it, and that its embedded server is gone afterwards.
 */
final class SlowHistory {

    static final Path FOLDER = Path.of("src/test/resources/histories/slow").toAbsolutePath();

    private SlowHistory() {
    }

    /** Waits until the first migration passed (its line in {@code err}) and the second's long statement runs. */
    static void awaitSecondMigration(Process process, Path err) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!Files.readString(err).contains("[1/2] 1_create_accounts: ok")) {
            assertThat(process.isAlive()).as(Files.readString(err)).isTrue();
            assertThat(System.nanoTime()).as("V1 finished in time").isLessThan(deadline);
            Thread.sleep(100);
        }
        Thread.sleep(1_000);
    }

    /** Nothing listens any more on the port of the embedded server the JSON report names. */
    static void assertServerStopped(JsonNode json) {
        Matcher port = Pattern.compile("on port (\\d+)").matcher(json.get("database").asText());
        assertThat(port.find()).as(json.get("database").asText()).isTrue();
        assertThatThrownBy(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", Integer.parseInt(port.group(1))), 1_000);
            }
        }).as("nothing listens on the embedded server's port any more").isInstanceOf(IOException.class);
    }
}
