package dev.rehearsal.core;

import dev.rehearsal.core.db.SqlStatement;
import dev.rehearsal.core.internal.sql.MySqlScriptSplitter;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The MySQL/MariaDB splitter, as the mysql client splits. */
class MySqlScriptSplitterTest {

    @Test
    void quotesBackticksAndCommentsDoNotEndStatements() {
        List<SqlStatement> statements = MySqlScriptSplitter.split("""
                # a comment; with a semicolon
                CREATE TABLE `weird;name` (id INT, note VARCHAR(20) DEFAULT 'a;b');
                -- another; comment
                INSERT INTO `weird;name` VALUES (1, 'it\\'s; ok'), (2, "say ""hi;""\");
                SELECT 1--1;
                /* block; comment */ SELECT 2;
                """);
        assertThat(statements).extracting(SqlStatement::line).containsExactly(2, 4, 5, 6);
        assertThat(statements.get(0).sql()).isEqualTo("CREATE TABLE `weird;name` (id INT, note VARCHAR(20) DEFAULT 'a;b')");
        assertThat(statements.get(1).sql()).endsWith("(2, \"say \"\"hi;\"\"\")");
        assertThat(statements.get(2).sql()).isEqualTo("SELECT 1--1");
    }

    @Test
    void delimiterChangesForTriggerAndProcedureBodies() {
        List<SqlStatement> statements = MySqlScriptSplitter.split("""
                CREATE TABLE t (id INT);
                DELIMITER $$
                CREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW
                BEGIN
                  SET NEW.id = NEW.id + 1;
                END$$
                CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END $$
                DELIMITER ;
                DROP TABLE t;
                """);
        assertThat(statements).extracting(SqlStatement::line).containsExactly(1, 3, 7, 9);
        assertThat(statements.get(1).sql()).startsWith("CREATE TRIGGER").endsWith("END").contains("SET NEW.id = NEW.id + 1;");
        assertThat(statements.get(2).sql()).isEqualTo("CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END");
        assertThat(statements.get(3).sql()).isEqualTo("DROP TABLE t");
    }

    @Test
    void executableCommentsStayStatements() {
        assertThat(MySqlScriptSplitter.split("/*!40101 SET NAMES utf8 */;\nSELECT 1;"))
                .extracting(SqlStatement::sql).containsExactly("/*!40101 SET NAMES utf8 */", "SELECT 1");
    }
}
