package dev.rehearsal.core.internal.data;

import dev.rehearsal.core.model.RehearsalException;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The small hand-written readers and writers the data features stand on: JSON out, CSV in, CHECK expressions. */
class HelpersTest {

    // ---- Json (the report's JSON writer) ----

    @Test
    void jsonWritesMapsListsNumbersBooleansAndNullsInOrder() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("name", "V3 index total");
        value.put("rows", 4000);
        value.put("ratio", 1.5);
        value.put("ok", true);
        value.put("note", null);
        value.put("phases", List.of("up", "down"));
        value.put("empty", Map.of());
        assertThat(Json.write(value)).isEqualTo("{\"name\":\"V3 index total\",\"rows\":4000,\"ratio\":1.5,\"ok\":true,"
                + "\"note\":null,\"phases\":[\"up\",\"down\"],\"empty\":{}}");
    }

    @Test
    void jsonEscapesQuotesBackslashesAndControlCharacters() {
        assertThat(Json.write("say \"hi\"\\ \n\r\t\u0001 ü")).isEqualTo("\"say \\\"hi\\\"\\\\ \\n\\r\\t\\u0001 ü\"");
        assertThat(Json.write(Map.of("a\"b", List.of()))).isEqualTo("{\"a\\\"b\":[]}");
    }

    @Test
    void jsonWritesOtherObjectsAsTheirText() {
        assertThat(Json.write(Duration.ofMillis(1500))).isEqualTo("\"PT1.5S\"");
    }

    // ---- CSV fixtures ----

    @Test
    void csvReadsQuotedFieldsWithCommasQuotesAndNewlines() {
        List<Map<String, Object>> rows = FixtureFiles.csv("id,name,note\r\n1,\"Doe, Jane\",\"said \"\"hi\"\"\nthen left\"\n2,Bob,x\n",
                "customers.csv");
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).containsExactly(Map.entry("id", "1"), Map.entry("name", "Doe, Jane"),
                Map.entry("note", "said \"hi\"\nthen left"));
        assertThat(rows.get(1)).containsEntry("name", "Bob");
    }

    @Test
    void csvTellsNullFromTheEmptyString() {
        List<Map<String, Object>> rows = FixtureFiles.csv("a,b,c\n,\"\",z", "t.csv");
        assertThat(rows.get(0)).containsEntry("a", null).containsEntry("b", "").containsEntry("c", "z");
    }

    @Test
    void csvSkipsBlankLinesAndReadsALastLineWithoutNewline() {
        assertThat(FixtureFiles.csv("a\n1\n\n2", "t.csv")).extracting(r -> r.get("a")).containsExactly("1", "2");
    }

    @Test
    void csvFaultsNameTheFileAndLine() {
        assertThatThrownBy(() -> FixtureFiles.csv("a,b\n1,2\n3\n", "fixtures/orders.csv"))
                .isInstanceOf(RehearsalException.class)
                .hasMessage("Fixture fixtures/orders.csv, line 3: 1 fields, but the header has 2 (a, b)");
        assertThatThrownBy(() -> FixtureFiles.csv("a\n\"open", "x.csv")).hasMessageContaining("a quoted field is not closed");
        assertThatThrownBy(() -> FixtureFiles.csv("", "x.csv")).hasMessageContaining("x.csv is empty");
    }

    // ---- CHECK constraints (what the seeder can satisfy) ----

    @Test
    void checkInListsAndRangesBecomeColumnRules() {
        var in = CheckConstraints.parse(CheckConstraints.expression(
                "CHECK ((status = ANY (ARRAY['new'::text, 'paid'::text, 'it''s'::text]))) NOT VALID")).orElseThrow();
        assertThat(in).singleElement().satisfies(r -> {
            assertThat(r.column()).isEqualTo("status");
            assertThat(r.allowed()).containsExactly("new", "paid", "it's");
        });
        var range = CheckConstraints.parse("((total >= (0)::numeric) AND (total < (1000)::numeric))").orElseThrow();
        assertThat(range).hasSize(2);
        assertThat(range.get(0).min()).isEqualByComparingTo(BigDecimal.ZERO);
        assertThat(range.get(0).minInclusive()).isTrue();
        assertThat(range.get(1).max()).isEqualByComparingTo(new BigDecimal("1000"));
        assertThat(range.get(1).maxInclusive()).isFalse();
    }

    @Test
    void checksItCannotFullyUnderstandAreLeftToTheDatabase() {
        assertThat(CheckConstraints.parse("((a > 0) OR (b > 0))")).isEmpty();
        assertThat(CheckConstraints.parse("(lower(email) = email)")).isEmpty();
        assertThat(CheckConstraints.parse("(starts_at < ends_at)")).isEmpty();
    }

    @Test
    void mariaDbInListsAreReadToo() {
        var rules = CheckConstraints.parse("`kind` in ('a','b','c')").orElseThrow();
        assertThat(rules).singleElement().satisfies(r -> assertThat(r.allowed()).isEqualTo(Arrays.asList("a", "b", "c")));
    }
}
