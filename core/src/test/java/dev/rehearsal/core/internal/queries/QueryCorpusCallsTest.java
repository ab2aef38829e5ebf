package dev.rehearsal.core.internal.queries;

import dev.rehearsal.core.db.SqlStatement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The traffic's mix: the call counts of a statistics export, summed over the rows of one statement. */
class QueryCorpusCallsTest {

    @Test
    void callsComeFromTheExportAndAddUpOverItsUsers(@TempDir Path dir) throws Exception {
        Path pg = Files.writeString(dir.resolve("pg.csv"), """
                query,calls
                select * from orders where id = $1,900
                select * from orders where id = $1,100
                update orders set total = $1 where id = $2,7
                """);
        Path mariadb = Files.writeString(dir.resolve("digests.tsv"), """
                SCHEMA_NAME\tDIGEST_TEXT\tCOUNT_STAR
                shop\tSELECT `id` FROM `accounts` WHERE `id` = ?\t42
                """);
        Path sql = Files.writeString(dir.resolve("recorded.sql"), "select 1 from orders;\n");
        QueryCorpus corpus = QueryCorpus.read(List.of(pg, mariadb, sql), text -> List.of(
                new SqlStatement(text.strip().replaceAll(";$", ""), 1)));
        assertThat(corpus.queries()).extracting(QueryCorpus.CorpusQuery::calls).containsExactly(1000L, 7L, 42L, 0L);
        assertThat(corpus.queries().get(0).origin()).endsWith("pg.csv:2");
    }
}
