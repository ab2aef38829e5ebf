package dev.rehearsal.core.internal.source;

import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.model.MigrationScript;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.internal.source.ScriptLocation.ScriptFile;
import dev.rehearsal.core.internal.sql.Tables;
import org.apiguardian.api.API;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Alembic histories from their revision files alone ({@code versions/*.py}): the graph ordered as
 * {@code alembic upgrade} orders it, and each {@code upgrade()} / {@code downgrade()} turned into SQL when it consists
 * of {@code op.execute(...)} with literal SQL and the common operations ({@link AlembicOps}). Anything else (Python
 * logic, ORM data migrations, {@code batch_alter_table}) is refused naming the revision and line, with the command
 * that writes the offline SQL instead. {@code alembic_version} is kept as Alembic keeps it online: one row per head.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class AlembicRevisionSource extends SqlLayoutSource {

    private final Map<String, AlembicRevisions.Revision> graph = new LinkedHashMap<>();
    private final Map<String, Integer> order = new LinkedHashMap<>();

    public AlembicRevisionSource(ScriptLocation location) {
        super(location);
    }

    @Override
    public String format() {
        return "Alembic";
    }

    @Override
    public String describe() {
        return "Alembic revisions at " + location;
    }

    @Override
    protected MigrationHistory read(List<ScriptFile> files) {
        List<Migration> migrations = new ArrayList<>();
        int index = 0;
        for (AlembicRevisions.Revision r : AlembicRevisions.read(location.toString(), files)) {
            graph.put(r.id(), r);
            order.put(r.id(), ++index);
            String text = r.file().text();
            String up = translate(r, text, "upgrade");
            String down = translate(r, text, "downgrade");
            String description = r.file().filename().replaceFirst("^" + java.util.regex.Pattern.quote(r.id()) + "_?", "")
                    .replaceFirst("\\.py$", "").replace('_', ' ');
            migrations.add(new Migration(MigrationVersion.parse(String.valueOf(index)), description, Migration.Type.VERSIONED,
                    new MigrationScript(r.file().relativePath() + " upgrade()", r.file().describe(), up),
                    new MigrationScript(r.file().relativePath() + " downgrade()", r.file().describe(), down), null, r.id()));
        }
        return new MigrationHistory(location.toString(), migrations, List.of());
    }

    /** The SQL of one function of a revision file, with blank lines so that each statement keeps its file line. */
    private String translate(AlembicRevisions.Revision r, String text, String function) {
        List<String> lines = text.lines().toList();
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).matches("^def\\s+" + function + "\\s*\\(.*")) {
                start = i;
                break;
            }
        }
        if (start < 0) {
            throw problem(r.file(), 0, "revision " + r.id() + " has no " + function + "() function");
        }
        StringBuilder sql = new StringBuilder();
        int sqlLines = 0;
        int i = start + 1;
        while (i < lines.size() && (lines.get(i).isBlank() || Character.isWhitespace(lines.get(i).charAt(0)))) {
            String line = lines.get(i).strip();
            int first = i;
            if (line.isEmpty() || line.startsWith("#") || line.equals("pass")) {
                i++;
                continue;
            }
            StringBuilder statement = new StringBuilder(lines.get(i));
            while (!complete(statement.toString()) && i + 1 < lines.size()) {
                statement.append('\n').append(lines.get(++i));
            }
            i++;
            String code = statement.toString().strip();
            if (code.startsWith("\"\"\"") || code.startsWith("'''")) {
                continue; // a docstring
            }
            try {
                PythonExpressions.Value value = PythonExpressions.parse(code);
                if (!(value instanceof PythonExpressions.Call call) || !call.function().startsWith("op.")) {
                    throw new PythonExpressions.Unsupported("it is not an op.<operation>(...) call");
                }
                String statementSql = AlembicOps.sql(call);
                while (sqlLines < first) {
                    sql.append('\n');
                    sqlLines++;
                }
                sql.append(statementSql).append(";\n");
                sqlLines += (int) statementSql.chars().filter(ch -> ch == '\n').count() + 1;
            } catch (PythonExpressions.Unsupported e) {
                throw problem(r.file(), first + 1, function + "() of revision " + r.id() + " does `"
                        + code.lines().findFirst().orElse("") + "`, which Rehearsal cannot turn into SQL (" + e.getMessage()
                        + "). Give it the SQL Alembic writes instead: alembic upgrade base:head --sql > upgrade.sql and"
                        + " alembic downgrade head:base --sql > downgrade.sql, next to the versions folder.");
            }
        }
        return sql.toString();
    }

    /** Whether brackets are balanced and no string is open. */
    private static boolean complete(String code) {
        int depth = 0;
        int i = 0;
        while (i < code.length()) {
            char c = code.charAt(i);
            if (c == '\'' || c == '"') {
                String q = code.startsWith(String.valueOf(c).repeat(3), i) ? String.valueOf(c).repeat(3) : String.valueOf(c);
                int end = code.indexOf(q, i + q.length());
                while (end > 0 && q.length() == 1 && code.charAt(end - 1) == '\\') {
                    end = code.indexOf(q, end + 1);
                }
                if (end < 0) {
                    return false;
                }
                i = end + q.length();
                continue;
            }
            if (c == '#') {
                int eol = code.indexOf('\n', i);
                i = eol < 0 ? code.length() : eol;
                continue;
            }
            if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            }
            i++;
        }
        return depth <= 0 && !code.stripTrailing().endsWith("\\");
    }

    @Override
    protected VersionTable versions() {
        return new VersionTable() {
            @Override
            public String table() {
                return "alembic_version";
            }

            @Override
            public void ensure(Connection c) throws SQLException {
                Tables.execute(c, "CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT NULL,"
                        + " CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))");
            }

            @Override
            public Optional<MigrationVersion> current(Connection c, MigrationHistory history) throws SQLException {
                return AlembicRevisions.highest(heads(c), order, "no revision file at " + location + " declares");
            }

            /** As Alembic: parents that are heads make way for the revision (the last one is updated), else it is added. */
            @Override
            public void applied(Connection c, Migration m) throws SQLException {
                Set<String> heads = heads(c);
                List<String> present = graph.get(m.id()).downRevisions().stream().filter(heads::contains).toList();
                if (present.isEmpty()) {
                    update(c, "INSERT INTO alembic_version (version_num) VALUES (?)", m.id());
                    return;
                }
                for (String p : present.subList(0, present.size() - 1)) {
                    update(c, "DELETE FROM alembic_version WHERE version_num = ?", p);
                }
                update(c, "UPDATE alembic_version SET version_num = ? WHERE version_num = ?", m.id(), present.get(present.size() - 1));
            }

            /** As Alembic: parents no other head descends from come back (the last one by update), else the row goes. */
            @Override
            public void reverted(Connection c, Migration m, Migration previous) throws SQLException {
                Set<String> others = heads(c);
                others.remove(m.id());
                List<String> restore = new ArrayList<>();
                for (String p : graph.get(m.id()).downRevisions()) {
                    if (others.stream().noneMatch(h -> ancestors(h).contains(p))) {
                        restore.add(p);
                    }
                }
                if (restore.isEmpty()) {
                    update(c, "DELETE FROM alembic_version WHERE version_num = ?", m.id());
                    return;
                }
                for (String p : restore.subList(0, restore.size() - 1)) {
                    update(c, "INSERT INTO alembic_version (version_num) VALUES (?)", p);
                }
                update(c, "UPDATE alembic_version SET version_num = ? WHERE version_num = ?", restore.get(restore.size() - 1), m.id());
            }

            private Set<String> heads(Connection c) throws SQLException {
                Set<String> heads = new HashSet<>();
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select version_num from alembic_version")) {
                    while (rs.next()) {
                        heads.add(rs.getString(1));
                    }
                }
                return heads;
            }

            private void update(Connection c, String sql, String... values) throws SQLException {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    for (int i = 0; i < values.length; i++) {
                        ps.setString(i + 1, values[i]);
                    }
                    ps.executeUpdate();
                }
            }
        };
    }

    private Set<String> ancestors(String revision) {
        Set<String> seen = new HashSet<>();
        List<String> todo = new ArrayList<>(List.of(revision));
        while (!todo.isEmpty()) {
            String r = todo.remove(todo.size() - 1);
            if (seen.add(r) && graph.containsKey(r)) {
                todo.addAll(graph.get(r).downRevisions());
            }
        }
        return seen;
    }

    @Override
    protected String expectedDown(Migration migration) {
        return "a downgrade() in " + migration.up().name().replace(" upgrade()", "");
    }
}
