package dev.rehearsal.core.internal.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The DDL run on a rehearsal database, logged by two event triggers: {@code ddl_command_end} writes the catalog rows
 * each command created or changed ({@code pg_event_trigger_ddl_commands()}), {@code sql_drop} those it dropped
 * ({@code pg_event_trigger_dropped_objects()}), into the unlogged table {@code rehearsal_ddl.log}. The schema reader
 * drains it to read again only what changed. The triggers fire for every session (the migration tool's, an external
 * tool's, a DO block's DDL), and in replica mode too; a rolled-back command leaves no row, as it leaves no change.
 * Creating event triggers needs a superuser; where that is refused, {@link #install} says why. The triggers never
 * make a migration fail: where they cannot log a command, they log an {@linkplain Entry#unknown() unknown change},
 * after which the next read is a full one.
 */
final class PostgresDdlLog {

    /** The schema of the log; left out of snapshots, lock reports and data checks. */
    static final String SCHEMA = "rehearsal_ddl";

    /** Whether both triggers are there and this user may drain the log. */
    private static final String INSTALLED = "select (select count(*) from pg_event_trigger"
            + " where evtname in ('rehearsal_ddl_commands', 'rehearsal_ddl_drops')) = 2"
            + " and case when exists (select 1 from pg_namespace where nspname = 'rehearsal_ddl')"
            + " and has_schema_privilege('rehearsal_ddl', 'USAGE') then"
            + " to_regclass('rehearsal_ddl.log') is not null and has_table_privilege('rehearsal_ddl.log', 'SELECT, DELETE')"
            + " else false end"
            // an earlier version's trigger marked a dropped column as a dropped table
            + " and exists (select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace"
            + " where n.nspname = 'rehearsal_ddl' and p.proname = 'drops' and p.prosrc like '%objsubid%')";

    /**
     * An event trigger function that logs the catalog rows {@code source} returns; where it cannot, it logs an
     * {@linkplain Entry#unknown() unknown change}, and if even that fails it lets the command go on unlogged.
     */
    private static String recorder(String name, String source, String dropped) {
        return """
                create or replace function rehearsal_ddl.%1$s() returns event_trigger
                  language plpgsql security definer set search_path = pg_catalog as $$
                begin
                  insert into rehearsal_ddl.log select classid, objid, %3$s from %2$s() where classid is not null;
                exception when others then
                  begin
                    insert into rehearsal_ddl.log values (0, 0, false);
                  exception when others then
                    null;
                  end;
                end $$;
                """.formatted(name, source, dropped);
    }

    private static final String INSTALL = "create schema if not exists rehearsal_ddl;\n"
            + "create unlogged table if not exists rehearsal_ddl.log (classid oid, objid oid, dropped boolean not null);\n"
            + recorder("commands", "pg_event_trigger_ddl_commands", "false")
            // a dropped column is reported as its table's row with a sub-id: the table changed, it is not gone
            + recorder("drops", "pg_event_trigger_dropped_objects", "objsubid = 0")
            + """
            drop event trigger if exists rehearsal_ddl_commands;
            drop event trigger if exists rehearsal_ddl_drops;
            create event trigger rehearsal_ddl_commands on ddl_command_end execute procedure rehearsal_ddl.commands();
            create event trigger rehearsal_ddl_drops on sql_drop execute procedure rehearsal_ddl.drops();
            alter event trigger rehearsal_ddl_commands enable always;
            alter event trigger rehearsal_ddl_drops enable always""";

    private static final String DRAIN = "delete from rehearsal_ddl.log returning classid::regclass::text, objid, dropped";

    private PostgresDdlLog() {
    }

    /** One catalog row a command touched: {@code pg_class} and an oid, created or changed, or dropped. */
    record Entry(String catalog, long oid, boolean dropped) {

        /** A change the triggers could not describe: the next read must be a full one. */
        boolean unknown() {
            return oid == 0 && "-".equals(catalog);
        }
    }

    /**
     * Creates the log and its triggers on the database of {@code connection} unless they are there (a database
     * cloned from a template has them). Returns null when the log is in place, else why it cannot be.
     */
    static String install(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            try (ResultSet rs = st.executeQuery(INSTALLED)) {
                if (rs.next() && rs.getBoolean(1)) {
                    return null;
                }
            }
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                st.execute(INSTALL);
                connection.commit();
                return null;
            } catch (SQLException e) {
                connection.rollback();
                if ("42501".equals(e.getSQLState())) {
                    return "the user may not create event triggers (" + e.getMessage().lines().findFirst().orElse("")
                            + "); a superuser can";
                }
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        }
    }

    /** What was logged since the last drain, in order; the log is empty afterwards. */
    static List<Entry> drain(Connection connection) throws SQLException {
        List<Entry> entries = new ArrayList<>();
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(DRAIN)) {
            while (rs.next()) {
                entries.add(new Entry(rs.getString(1), rs.getLong(2), rs.getBoolean(3)));
            }
        }
        return entries;
    }
}
