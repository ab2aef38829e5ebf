package dev.rehearsal.core.internal.roundtrip;

import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.internal.sql.LentConnection;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The connections lent from a held transaction never hand out the session itself: a statement's
 * {@code getConnection()} and {@code unwrap(Connection.class)} give the lent connection, whose commit stays a
 * savepoint, so the rollback of the restore still takes back what the up did.
 */
class HeldTransactionTest {

    @Test
    void aStatementsConnectionIsTheLentOneAndItsCommitKeepsTheHold() throws SQLException {
        try (EphemeralDatabase db = DatabaseProviders.embeddedPostgres().createDatabase();
             Connection session = db.dataSource().getConnection()) {
            try (Statement st = session.createStatement()) {
                st.execute("create table notes (id int primary key)");
            }
            HeldTransaction held = HeldTransaction.begin(session, db.dialect());
            Connection lent = held.lend();
            Statement statement = lent.createStatement();
            PreparedStatement prepared = lent.prepareStatement("insert into notes values (?)");
            assertThat(statement.getConnection()).isSameAs(lent);
            assertThat(prepared.getConnection()).isSameAs(lent);
            assertThat(lent.unwrap(Connection.class)).isSameAs(lent);
            assertThat(statement.getConnection().isWrapperFor(LentConnection.class)).isTrue();

            prepared.setInt(1, 1);
            prepared.execute();
            statement.getConnection().setAutoCommit(false);
            statement.getConnection().commit(); // a tool reaching the connection through its statement
            held.rollBack();

            try (Statement st = session.createStatement(); ResultSet rs = st.executeQuery("select count(*) from notes")) {
                rs.next();
                assertThat(rs.getLong(1)).as("the rollback took back what the lent connection committed").isZero();
            }
            assertThat(session.getAutoCommit()).isTrue();
        }
    }
}
