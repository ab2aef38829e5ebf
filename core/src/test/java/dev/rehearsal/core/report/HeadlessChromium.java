package dev.rehearsal.core.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Chromium ({@code /usr/bin/chromium}, installed by {@code .ci/setup.sh}), headless, with the flags this
 * closed network needs: it renders a page and prints its DOM after scripts ran, or takes a screenshot.
 * <p>
 * {@link #measure} adds a script to a copy of the page that writes, once the page has loaded, the time since
 * navigation started and the laid-out size of chosen elements into attributes of {@code <body>}, so the printed DOM
 * shows what the browser really drew.
 */
public final class HeadlessChromium {

    private static final Path BINARY = Path.of("/usr/bin/chromium");

    private HeadlessChromium() {
    }

    /** Fails with what to do when Chromium is missing. */
    public static void require() {
        if (!Files.isExecutable(BINARY)) {
            throw new AssertionError("Chromium is needed for this test: run bash .ci/setup.sh (it installs Debian's chromium)");
        }
    }

    /** The DOM of {@code page} after it loaded, serialized by the browser. */
    public static String dumpDom(Path page) throws IOException, InterruptedException {
        return run(page, List.of("--dump-dom"));
    }

    /** A screenshot of the top of {@code page}, {@code width} by {@code height} CSS pixels. */
    public static void screenshot(Path page, Path png, int width, int height) throws IOException, InterruptedException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        run(page, List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height,
                "--hide-scrollbars"));
        if (!Files.exists(png)) {
            throw new AssertionError("Chromium wrote no screenshot to " + png);
        }
    }

    /**
     * Renders a copy of {@code page} with a measuring script and returns the DOM: {@code <body data-load-ms="...">}
     * holds the milliseconds from navigation start to the end of the load event's handlers, and for each selector
     * {@code data-size-<i>="<width>x<height>"} the laid-out size of its first match ({@code none} when nothing
     * matches).
     */
    public static String measure(Path page, String... selectors) throws IOException, InterruptedException {
        StringBuilder script = new StringBuilder("<script>window.addEventListener('load', function () {"
                + " var b = document.body;");
        for (int i = 0; i < selectors.length; i++) {
            script.append(" var e").append(i).append(" = document.querySelector('").append(selectors[i])
                    .append("'); b.setAttribute('data-size-").append(i).append("', e").append(i)
                    .append(" ? Math.round(e").append(i).append(".getBoundingClientRect().width) + 'x' + Math.round(e")
                    .append(i).append(".getBoundingClientRect().height) : 'none');");
        }
        script.append(" b.setAttribute('data-load-ms', Math.round(performance.now())); });</script>");
        String html = Files.readString(page, StandardCharsets.UTF_8);
        Path copy = page.resolveSibling(page.getFileName() + ".measured.html");
        Files.writeString(copy, html.replace("</body>", script + "</body>"), StandardCharsets.UTF_8);
        return dumpDom(copy);
    }

    private static String run(Path page, List<String> action) throws IOException, InterruptedException {
        require();
        Path profile = Files.createTempDirectory("rehearsal-chromium");
        List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile));
        command.addAll(action);
        command.add(page.toAbsolutePath().toUri().toString());
        Path stdout = Files.createTempFile("chromium", ".out");
        Path stderr = Files.createTempFile("chromium", ".err");
        Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        try {
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                throw new AssertionError("Chromium did not finish within 2 minutes: " + command);
            }
            if (process.exitValue() != 0) {
                throw new AssertionError("Chromium exited with " + process.exitValue() + ": "
                        + Files.readString(stderr, StandardCharsets.UTF_8));
            }
            return Files.readString(stdout, StandardCharsets.UTF_8);
        } finally {
            process.destroyForcibly();
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
