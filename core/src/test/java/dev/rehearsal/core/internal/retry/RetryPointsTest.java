package dev.rehearsal.core.internal.retry;

import dev.rehearsal.core.UpTransaction;
import dev.rehearsal.core.internal.postgres.PostgresDialect;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where a script run as a SQL client runs it (Sqitch through psql) can stop with part of it committed: its own
 * transactions, and the statements outside them.
 */
class RetryPointsTest {

    private static final PostgresDialect POSTGRES = new PostgresDialect("15");

    private static List<String> points(String script) {
        return RetryPoints.of(POSTGRES, POSTGRES.split(script), UpTransaction.AS_WRITTEN).points().stream()
                .map(RetryPoint::describe).toList();
    }

    @Test
    void aScriptInOneTransactionOfItsOwnHasNoPoint() {
        assertThat(points("BEGIN;\nCREATE TABLE a (id int);\nCREATE TABLE b (id int);\nCOMMIT;\n")).isEmpty();
    }

    @Test
    void statementsOutsideTheScriptsTransactionsEachCommit() {
        assertThat(points("CREATE TABLE a (id int);\nBEGIN;\nCREATE TABLE b (id int);\nCREATE TABLE c (id int);\n"
                + "COMMIT;\nCREATE INDEX CONCURRENTLY a_id ON a (id);\n")).containsExactly(
                "after statement 1 (line 1), before statement 2 (line 2)",
                "after statement 5 (line 5), before statement 6 (line 6)",
                "during statement 6 (line 6), cancelled while it builds");
    }

    @Test
    void aRollbackToASavepointKeepsTheTransactionOpenAndCommitAndChainOpensTheNext() {
        assertThat(points("BEGIN;\nCREATE TABLE a (id int);\nSAVEPOINT s;\nROLLBACK TRANSACTION TO SAVEPOINT s;\n"
                + "CREATE TABLE b (id int);\nCOMMIT AND CHAIN;\nCREATE TABLE c (id int);\nCOMMIT;\n"))
                .containsExactly("after statement 6 (line 6), before statement 7 (line 7)");
    }

    @Test
    void anAbortEndsTheTransaction() {
        assertThat(points("BEGIN;\nCREATE TABLE a (id int);\nABORT;\nCREATE TABLE b (id int);\n"
                + "CREATE TABLE c (id int);\n")).containsExactly(
                "after statement 4 (line 4), before statement 5 (line 5)");
    }

    @Test
    void aPreparedTransactionIsNotCommittedByTheStatementAfterIt() {
        assertThat(points("BEGIN;\nCREATE TABLE a (id int);\nPREPARE TRANSACTION 'x';\nCREATE TABLE b (id int);\n"
                + "CREATE TABLE c (id int);\n")).containsExactly(
                "after statement 4 (line 4), before statement 5 (line 5)");
    }
}
