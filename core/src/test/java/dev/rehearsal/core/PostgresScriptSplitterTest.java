package dev.rehearsal.core;

import dev.rehearsal.core.db.SqlStatement;
import dev.rehearsal.core.internal.postgres.PostgresDialect;
import dev.rehearsal.core.internal.sql.PostgresScriptSplitter;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PostgresScriptSplitterTest {

    private static List<String> sql(String script) {
        return PostgresScriptSplitter.split(script).stream().map(SqlStatement::sql).toList();
    }

    @Test
    void splitsOnSemicolonsAndKeepsStartLines() {
        List<SqlStatement> statements = PostgresScriptSplitter.split("""
                -- header comment
                create table a (id int);

                insert into a
                values (1);
                """);
        assertThat(statements).extracting(SqlStatement::line).containsExactly(2, 4);
        assertThat(statements.get(1).sql()).isEqualTo("insert into a\nvalues (1)");
    }

    @Test
    void ignoresSemicolonsInStringsIdentifiersAndComments() {
        assertThat(sql("""
                insert into t values ('a;b', 'it''s; fine');
                select 1 as "odd;name"; -- trailing; comment
                /* block ; /* nested ; */ still comment ; */ select 2;
                """)).containsExactly(
                "insert into t values ('a;b', 'it''s; fine')",
                "select 1 as \"odd;name\"",
                "select 2");
    }

    @Test
    void handlesEscapeStringsWithBackslashes() {
        assertThat(sql("select E'it\\'s; here'; select 'plain\\'; select 3;"))
                .containsExactly("select E'it\\'s; here'", "select 'plain\\'", "select 3");
    }

    @Test
    void keepsDollarQuotedBodiesWhole() {
        List<String> statements = sql("""
                create function f() returns int language plpgsql as $body$
                begin
                  perform 1; return $$inner;$$::text::int;
                end;
                $body$;
                select $1, x$y from t;
                do $$ begin raise notice 'a;b'; end $$;
                """);
        assertThat(statements).hasSize(3);
        assertThat(statements.get(0)).endsWith("$body$").contains("perform 1; return");
        assertThat(statements.get(1)).isEqualTo("select $1, x$y from t");
    }

    @Test
    void keepsSqlStandardFunctionBodiesWhole() {
        List<String> statements = sql("""
                create function add(a int, b int) returns int language sql
                begin atomic
                  select case when a is null then 0 else a end + b;
                end;
                select 1;
                """);
        assertThat(statements).hasSize(2);
        assertThat(statements.get(0)).endsWith("end");
    }

    @Test
    void dropsEmptyStatementsAndCountsLinesAcrossMultiLineTokens() {
        List<SqlStatement> statements = PostgresScriptSplitter.split(";;\n/* a\nb */\nselect 'x\ny';\n\nselect 2");
        assertThat(statements).extracting(SqlStatement::line).containsExactly(4, 7);
    }

    @Test
    void copyFromStdinCarriesItsDataBlockAndTheLinesAfterItCount() {
        List<SqlStatement> statements = PostgresScriptSplitter.split(
                "create table t (a int, b text);\n"
                        + "COPY t (a, b) FROM stdin;\n"
                        + "1\tx; not a statement\n"
                        + "2\t\\N\n"
                        + "\\.\n"
                        + "select 1;\n");
        assertThat(statements).extracting(SqlStatement::line).containsExactly(1, 2, 6);
        assertThat(statements.get(1).sql()).isEqualTo("COPY t (a, b) FROM stdin");
        assertThat(statements.get(1).copyData()).isEqualTo("1\tx; not a statement\n2\t\\N\n");
        assertThat(statements.get(2).copyData()).isNull();
    }

    @Test
    void taggedDollarQuotesNestedCommentsAndEscapeStrings() {
        assertThat(sql("""
                create function f() returns text language plpgsql as $body$
                begin return $x$;$x$ || ';'; end $body$;
                /* outer /* inner ; */ still comment ; */ select E'it\\'s; fine';
                select $1
                """)).hasSize(3).element(1).asString().isEqualTo("select E'it\\'s; fine'");
    }

    @Test
    void addingAnEnumValueRunsOutsideATransactionBeforePostgres12Only() {
        String sql = "ALTER TYPE mood ADD VALUE 'curious'";
        assertThat(new PostgresDialect("11.22").mustRunOutsideTransaction(sql)).isTrue();
        assertThat(new PostgresDialect("18.6").mustRunOutsideTransaction(sql)).isFalse();
        assertThat(new PostgresDialect("18.6")
                .mustRunOutsideTransaction("create index concurrently i on t (a)")).isTrue();
    }
}
