package dev.rehearsal.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The speed page's breakdowns: where each component runs, and each history's whole phase beside its peer's. */
class WhereTheTimeGoesTest {

    @Test
    void aToolsStepsArePartsOfTheToolAndThePhasesAreThoseOfTheRun() {
        ObjectNode f = new ObjectMapper().createObjectNode();
        f.put("liquibase_165_fast_path_ms", 4950);
        f.put("liquibase_165_update_testing_rollback_ms", 990);
        f.put("liquibase_165_per_phase_ms_tool", 6.0);
        f.put("liquibase_165_per_phase_ms_liquibase.apply-step", 2.5);
        f.put("liquibase_165_per_phase_ms_locks.trace (in tool)", 0.5);
        f.put("liquibase_165_per_phase_ms_liquibase.read", 0.1);
        f.put("liquibase_165_per_phase_ms_schema.catalog", 1.5);

        String page = WhereTheTimeGoes.render(f);

        assertThat(page).contains("| liquibase.apply-step (in tool) | 2.50 |")
                .contains("| locks.trace (in tool) | 0.50 |")
                .contains("| liquibase.read (the changelog read, at the start) | 0.10 |")
                .contains("| schema.catalog | 1.50 |")
                .contains("| **Rehearsal's whole phase** | **10.00** |")
                .contains("| the peer's whole phase | 2.00 |")
                .doesNotContain("Alembic").doesNotContain("command line's start");
    }

    @Test
    void theStartIsShownMilestoneByMilestoneBesideThePlainProgram() {
        ObjectNode f = new ObjectMapper().createObjectNode();
        f.put("cli_start_at_jvm_ms", 35);
        f.put("cli_start_at_first_up_ms", 491);
        f.put("plain_jdbc_start_at_jvm_ms", 20);
        f.put("plain_jdbc_start_at_exit_ms", 265);

        assertThat(WhereTheTimeGoes.render(f)).contains("| the first migration's up | 491 | - |")
                .contains("| the process has ended | - | 265 |").contains("| 35 | 20 |")
                .doesNotContain("its first connection begins");
    }

    @Test
    void aPullRequestsBaseIsShownBesidePsqlsOwnUps() {
        ObjectNode f = new ObjectMapper().createObjectNode();
        f.put("cli_only_new_ms", 1344);
        f.put("cli_only_new_base_ms", 617);
        f.put("psql_ups_300_ms", 540);
        f.put("psql_history_300_ms", 1150);

        assertThat(WhereTheTimeGoes.render(f)).contains("| the command line with `--only-new`, from process start | 1344 |")
                .contains("without checks | 617 |").contains("creation and drop included) | 540 |")
                .contains("the row's baseline | 1150 |").doesNotContain("cached base").doesNotContain("--keep-base");
        f.put("cli_only_new_kept_ms", 702);
        f.put("cli_only_new_kept_copy_ms", 160);
        assertThat(WhereTheTimeGoes.render(f)).contains("copying the base an earlier run kept | 702 |")
                .contains("the copy of the kept base, with the swap to it | 160 |");
        f.put("base_template_copy_ms", 28);
        f.put("empty_database_ms", 21);
        assertThat(WhereTheTimeGoes.render(f)).contains("(a cached base) | 28 |").contains("as a run makes one | 21 |");
        f.remove("psql_ups_300_ms");
        assertThat(WhereTheTimeGoes.render(f)).as("a run without the base's peer").doesNotContain("pull request's run");
    }

    @Test
    void theAlembicPeerWithANewSessionPerStepHasARowOfItsOwn() {
        ObjectNode f = new ObjectMapper().createObjectNode();
        f.put("alembic_100_rehearsal_ms", 6000);
        f.put("alembic_100_loop_ms", 1500);
        f.put("alembic_100_fresh_loop_ms", 3600);
        f.put("alembic_100_per_phase_ms_alembic.statements", 5.0);
        f.put("alembic_100_per_phase_ms_alembic.env", 20.0);

        assertThat(WhereTheTimeGoes.render(f))
                .contains("| alembic.statements (in alembic.env) | 5.00 |")
                .contains("| alembic.env (the helper's runs of env.py: in tool, and in prepare, the parts' catch-ups"
                        + " and the start) | 20.00 |")
                .contains("| **Rehearsal's whole phase** | **20.00** |")
                .contains("| the peer's whole phase | 5.00 |")
                .contains("| the peer's whole phase, a new client and session for each step | 12.00 |");
    }
}
