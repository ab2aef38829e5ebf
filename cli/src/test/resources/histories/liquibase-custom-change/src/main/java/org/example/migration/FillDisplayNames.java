package org.example.migration;

import liquibase.change.custom.CustomTaskChange;
import liquibase.change.custom.CustomTaskRollback;
import liquibase.database.Database;
import liquibase.database.jvm.JdbcConnection;
import liquibase.exception.CustomChangeException;
import liquibase.exception.SetupException;
import liquibase.exception.ValidationErrors;
import liquibase.resource.ResourceAccessor;

import java.sql.Statement;

/** A custom change as applications write them: a backfill in Java, and a rollback that clears what it filled. */
public class FillDisplayNames implements CustomTaskChange, CustomTaskRollback {

    @Override
    public void execute(Database database) throws CustomChangeException {
        run(database, "update realm set display_name = upper(name) where display_name is null");
    }

    @Override
    public void rollback(Database database) throws CustomChangeException {
        run(database, "update realm set display_name = null");
    }

    private static void run(Database database, String sql) throws CustomChangeException {
        try (Statement st = ((JdbcConnection) database.getConnection()).getUnderlyingConnection().createStatement()) {
            st.executeUpdate(sql);
        } catch (Exception e) {
            throw new CustomChangeException(e);
        }
    }

    @Override
    public String getConfirmationMessage() {
        return "display names filled";
    }

    @Override
    public void setUp() throws SetupException {
    }

    @Override
    public void setFileOpener(ResourceAccessor resourceAccessor) {
    }

    @Override
    public ValidationErrors validate(Database database) {
        return new ValidationErrors();
    }
}
