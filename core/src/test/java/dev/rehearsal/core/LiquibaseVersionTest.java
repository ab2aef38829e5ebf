package dev.rehearsal.core;

import liquibase.util.LiquibaseUtil;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which Liquibase the Liquibase tests ran with: 4.33 in the default run, the 5.x line in core's {@code liquibase-5}
 * Surefire execution, so a build that silently tested the same version twice fails.
 */
class LiquibaseVersionTest {

    @Test
    void theLiquibaseOnTheClassPathIsTheOneThisRunIsFor() {
        String expected = System.getProperty("rehearsal.test.liquibase");
        assertThat(expected).as("rehearsal.test.liquibase, set by core's pom").isNotNull();
        assertThat(LiquibaseUtil.getBuildVersion()).isEqualTo(expected);
    }
}
