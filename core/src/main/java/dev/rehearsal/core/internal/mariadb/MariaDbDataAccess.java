package dev.rehearsal.core.internal.mariadb;

import dev.rehearsal.core.data.DataFingerprint;
import dev.rehearsal.core.data.DataFingerprint.ColumnFingerprint;
import dev.rehearsal.core.data.DataFingerprint.TableFingerprint;
import dev.rehearsal.core.data.DataProblem;
import dev.rehearsal.core.db.DataAccess;
import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaObject;
import dev.rehearsal.core.schema.SchemaSnapshot;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * MariaDB data work: fingerprints as sums of {@code CRC32} per column, row inserts, foreign-key orphans. Seeding
 * (bulk load through a staging table) is not available on MariaDB yet and says so.
 */
final class MariaDbDataAccess implements DataAccess {

    private final Connection connection;
    private final MariaDbDialect dialect;

    MariaDbDataAccess(Connection connection, MariaDbDialect dialect) {
        this.connection = connection;
        this.dialect = dialect;
    }

    private SQLFeatureNotSupportedException notYet(String what) {
        return new SQLFeatureNotSupportedException(what + " is not available on MariaDB yet: insert rows with"
                + " rehearsal.insert(...) or fixtures instead");
    }

    @Override
    public void load(String table, List<String> columns, List<Object[]> rows) throws SQLException {
        insert(table, columns, rows);
    }

    @Override
    public FilteredLoad loadFiltered(String table, List<String> columns, List<Object[]> rows, Map<String, String> checks,
                                     long limit) throws SQLException {
        throw notYet("Seeding a table with CHECK constraints");
    }

    @Override
    public void insert(String table, List<String> columns, List<Object[]> rows) throws SQLException {
        String sql = "insert into " + dialect.quote(table) + " (" + columns.stream().map(dialect::quote)
                .collect(Collectors.joining(", ")) + ") values (" + columns.stream().map(c -> "?").collect(Collectors.joining(", ")) + ")";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int r = 0; r < rows.size(); r++) {
                Object[] row = rows.get(r);
                for (int i = 0; i < row.length; i++) {
                    Object v = row[i];
                    ps.setObject(i + 1, v instanceof Map<?, ?> || v instanceof java.util.Collection<?>
                            ? dev.rehearsal.core.internal.data.Json.write(v) : v);
                }
                try {
                    ps.executeUpdate();
                } catch (SQLException e) {
                    throw new SQLException("row " + (r + 1) + ": " + e.getMessage(), e.getSQLState(), e);
                }
            }
        }
    }

    @Override
    public void copyIn(String copyStatement, String data) throws SQLException {
        throw new SQLFeatureNotSupportedException("COPY ... FROM stdin is PostgreSQL's; MariaDB has LOAD DATA");
    }

    @Override
    public List<String> rowsAddedInTransaction(String table) throws SQLException {
        throw notYet("Seeding self-referencing tables");
    }

    @Override
    public void updateRows(String table, List<String> rowIds, List<String> columns, List<Object[]> values) throws SQLException {
        throw notYet("Seeding self-referencing tables");
    }

    @Override
    public long count(String table) throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("select count(*) from " + dialect.quote(table))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public List<List<Object>> distinctValues(String table, List<String> columns) throws SQLException {
        String cols = columns.stream().map(dialect::quote).collect(Collectors.joining(", "));
        List<List<Object>> values = new ArrayList<>();
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("select distinct " + cols + " from "
                + dialect.quote(table) + " where " + columns.stream().map(c -> dialect.quote(c) + " is not null")
                .collect(Collectors.joining(" and ")) + " order by " + cols)) {
            while (rs.next()) {
                List<Object> tuple = new ArrayList<>();
                for (int i = 1; i <= columns.size(); i++) {
                    tuple.add(rs.getObject(i));
                }
                values.add(tuple);
            }
        }
        return values;
    }

    @Override
    public DataFingerprint fingerprint(SchemaSnapshot schema) throws SQLException {
        Map<String, TableFingerprint> result = new LinkedHashMap<>();
        for (SchemaObject table : schema.objects(ObjectKind.TABLE)) {
            List<String> cols = schema.columns(table.name()).stream().map(SchemaObject::simpleName).toList();
            String select = "select count(*)" + cols.stream().map(c -> ", count(" + dialect.quote(c) + "), coalesce(sum(crc32(cast("
                    + dialect.quote(c) + " as char))), 0)").collect(Collectors.joining()) + " from " + dialect.quote(table.name());
            try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(select)) {
                rs.next();
                Map<String, ColumnFingerprint> columns = new LinkedHashMap<>();
                for (int i = 0; i < cols.size(); i++) {
                    columns.put(cols.get(i), new ColumnFingerprint(rs.getLong(2 + 2 * i), rs.getString(3 + 2 * i)));
                }
                result.put(table.name(), new TableFingerprint(table.name(), rs.getLong(1), columns));
            }
        }
        return new DataFingerprint(result);
    }

    @Override
    public List<DataProblem> integrityProblems(SchemaSnapshot schema) throws SQLException {
        List<DataProblem> problems = new ArrayList<>();
        for (SchemaObject c : schema.objects(ObjectKind.CONSTRAINT)) {
            if (!"foreign key".equals(c.attribute("type").orElse("")) || c.attribute("columns").isEmpty()) {
                continue;
            }
            String[] cols = c.attribute("columns").get().split(", ");
            String[] refs = c.attribute("referenced columns").orElse("").split(", ");
            StringBuilder join = new StringBuilder();
            StringBuilder notNull = new StringBuilder();
            for (int i = 0; i < cols.length; i++) {
                join.append(i == 0 ? "" : " and ").append("p.").append(dialect.quote(refs[i])).append(" = c.").append(dialect.quote(cols[i]));
                notNull.append(i == 0 ? "" : " and ").append("c.").append(dialect.quote(cols[i])).append(" is not null");
            }
            try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("select count(*) from "
                    + dialect.quote(c.table()) + " c where " + notNull + " and not exists (select 1 from "
                    + dialect.quote(c.attribute("referenced table").get()) + " p where " + join + ")")) {
                rs.next();
                long bad = rs.getLong(1);
                if (bad > 0) {
                    problems.add(new DataProblem(DataProblem.Kind.FOREIGN_KEY_ORPHANS, c.table(), null, bad + " rows of "
                            + c.table() + " have a " + c.attribute("columns").get() + " that matches no row of "
                            + c.attribute("referenced table").get() + " (foreign key " + c.simpleName()
                            + "; foreign_key_checks was off while rows changed?)"));
                }
            }
        }
        return problems;
    }
}
