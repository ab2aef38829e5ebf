package dev.rehearsal.junit;

import dev.rehearsal.junit.internal.MatrixExtension;
import org.apiguardian.api.API;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a test method of a {@link MigrationTest} class once per database, with the server and its version in the
 * display name ({@code [PostgreSQL 15.20 server at 127.0.0.1:5432]}): lock behaviour, rewrites and even syntax
 * differ between engines and majors. Each entry is {@code embedded} (the embedded PostgreSQL), an engine
 * ({@code postgres}, {@code mariadb}: wherever the settings put it, see {@link dev.rehearsal.core.db.Engine}), a JDBC URL of a server to
 * put throwaway databases on (its account from {@code rehearsal.jdbc.user} / {@code rehearsal.jdbc.password}), or
 * {@code docker:<image>}. Without entries, the class's {@link MigrationTest#engines()} are used.
 *
 * <pre>{@code
 * @MigrationMatrix(databases = {"embedded", "jdbc:postgresql://127.0.0.1:5432/postgres"})
 * void everyMigrationRoundTripsOnEveryMajor(Rehearsal rehearsal) {
 *     assertThat(rehearsal.runRoundTrips()).hasNoFailures();
 * }
 * }</pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@TestTemplate
@ExtendWith(MatrixExtension.class)
@API(status = API.Status.STABLE, since = "0.1")
public @interface MigrationMatrix {

    /**
     * The databases; empty falls back to the class's {@link MigrationTest#engines()}, then to {@code rehearsal.matrix}
     * (comma-separated), then to {@code embedded}.
     */
    String[] databases() default {};
}
