package dev.rehearsal.core.internal.tools.django;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What a step applied ahead from other apps, named in its note in the order Django applied it, run by run. */
class RunsByAppTest {

    @Test
    void eachRunOfOneAppIsOneEntryInTheOrderDjangoAppliedThem() {
        assertThat(DjangoTool.runsByApp(List.of("contenttypes 0001_initial", "contenttypes 0002_remove_content_type_name",
                "auth 0001_initial", "auth 0002_a", "auth 0003_b", "accounts 0001_initial", "auth 0004_c")))
                .containsExactly("contenttypes 0001_initial and 0002_remove_content_type_name",
                        "auth 0001_initial ... 0003_b (3 migrations)", "accounts 0001_initial", "auth 0004_c");
    }

    @Test
    void nothingAppliedNamesNothing() {
        assertThat(DjangoTool.runsByApp(List.of())).isEmpty();
    }
}
