package dev.rehearsal.core;

import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.model.RehearsalException;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** A MariaDB URL with no MariaDB driver on the class path: a JVM of its own, without the driver's jar, says what to add. */
class MissingDriverTest {

    /** Run in the child JVM: asks for a MariaDB server and prints what the user would read. */
    public static void main(String[] args) {
        try {
            DatabaseProviders.server("jdbc:mariadb://127.0.0.1:3306/test?password=s3cr3t-pw", "root", "s3cr3t-pw").close();
            System.out.println("CONNECTED");
        } catch (RehearsalException e) {
            System.out.println("MESSAGE " + e.getMessage());
        }
    }

    @Test
    void aMariaDbUrlWithoutTheDriverSaysWhichDependencyToAdd() throws IOException, InterruptedException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String withoutDriver = Arrays.stream(classPath.split(File.pathSeparator))
                .filter(entry -> !entry.contains("mariadb-java-client")).collect(Collectors.joining(File.pathSeparator));
        assertThat(withoutDriver).isNotEqualTo(classPath);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-cp", withoutDriver, MissingDriverTest.class.getName()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).contains("MESSAGE No MariaDB JDBC driver on the test class path")
                .contains("add org.mariadb.jdbc:mariadb-java-client (test scope)")
                .doesNotContain("s3cr3t-pw").doesNotContain("CONNECTED");
    }
}
