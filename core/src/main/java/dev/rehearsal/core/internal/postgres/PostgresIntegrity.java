package dev.rehearsal.core.internal.postgres;

import dev.rehearsal.core.data.DataProblem;
import dev.rehearsal.core.internal.data.ForeignKeyOrphans;
import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaFact;
import dev.rehearsal.core.schema.SchemaObject;
import dev.rehearsal.core.schema.SchemaSnapshot;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The integrity checks of PostgreSQL data: invalid indexes, NOT VALID constraints that rows violate, foreign keys
 * pointing at nothing, sequences behind their column's maximum. Counted in one query per kind, both sent in one
 * round trip: a seeded history checks after every phase.
 */
final class PostgresIntegrity {

    private static final Pattern NEXTVAL = Pattern.compile("nextval\\('([^']+)'::regclass\\)");

    private final Connection connection;
    private final UnaryOperator<String> quote;

    PostgresIntegrity(Connection connection, UnaryOperator<String> quote) {
        this.connection = connection;
        this.quote = quote;
    }

    private String q(String name) {
        return quote.apply(name);
    }


    /**
     * The integrity problems of the data now, in one query per kind, sent together; the violations only of the
     * constraints {@code recount} accepts.
     */
    List<DataProblem> problems(SchemaSnapshot schema, Predicate<SchemaObject> recount)
            throws SQLException {
        List<DataProblem> problems = new ArrayList<>();
        for (SchemaObject index : schema.objects(ObjectKind.INDEX)) {
            if (!index.flag(SchemaFact.VALID, true)) {
                problems.add(new DataProblem(DataProblem.Kind.INVALID_INDEX, index.table(), null,
                        "index " + index.simpleName() + " on " + index.table() + " is INVALID (a CREATE INDEX"
                                + " CONCURRENTLY that failed leaves it so): queries ignore it but writes maintain it."
                                + " Drop it and create it again, or make the migration do so."));
            }
        }
        List<String> parts = new ArrayList<>();
        List<SchemaObject> checked = new ArrayList<>();
        for (SchemaObject c : schema.objects(ObjectKind.CONSTRAINT)) {
            if (!recount.test(c)) {
                continue;
            }
            String type = c.fact(SchemaFact.TYPE).orElse("");
            String def = c.fact(SchemaFact.DEFINITION).orElse("");
            boolean validated = c.flag(SchemaFact.VALIDATED, true);
            if (ForeignKeyOrphans.applies(c)) {
                parts.add(ForeignKeyOrphans.countQuery(c, this::q));
                checked.add(c);
            } else if ("check".equals(type) && !validated) {
                String expr = def.replaceFirst("^CHECK ", "").replaceFirst(" NOT VALID$", "");
                parts.add("select count(*) from " + q(c.table()) + " where (" + expr + ") is false");
                checked.add(c);
            }
        }
        List<String[]> subjects = new ArrayList<>();
        String sequences = sequencesQuery(schema, subjects);
        List<String> queries = new ArrayList<>();
        if (!parts.isEmpty()) {
            queries.add(parts.stream().map(p -> "(" + p + ")").collect(Collectors.joining(", ", "select ", "")));
        }
        if (sequences != null) {
            queries.add(sequences);
        }
        if (queries.isEmpty()) {
            return problems;
        }
        try (Statement st = connection.createStatement()) {
            // the driver sends both queries in one round trip; their results come back in order
            st.execute(String.join(";\n", queries));
            if (!parts.isEmpty()) {
                try (ResultSet rs = st.getResultSet()) {
                    constraintProblems(rs, checked, problems);
                }
                st.getMoreResults();
            }
            if (sequences != null) {
                try (ResultSet rs = st.getResultSet()) {
                    sequenceProblems(rs, subjects, problems);
                }
            }
        }
        return problems;
    }

    private static void constraintProblems(ResultSet rs, List<SchemaObject> checked, List<DataProblem> problems)
            throws SQLException {
        rs.next();
        for (int i = 0; i < checked.size(); i++) {
            long bad = rs.getLong(i + 1);
            if (bad == 0) {
                continue;
            }
            SchemaObject c = checked.get(i);
            boolean validated = c.flag(SchemaFact.VALIDATED, true);
            String name = c.simpleName();
            if ("foreign key".equals(c.fact(SchemaFact.TYPE).orElse(""))) {
                problems.add(ForeignKeyOrphans.problem(c, bad, (validated ? "" : ", NOT VALID") + ")."
                        + (validated ? " The constraint was bypassed (triggers disabled or"
                        + " session_replication_role = replica while rows changed)."
                        : " VALIDATE CONSTRAINT " + name + " will fail until they are fixed.")));
            } else {
                problems.add(new DataProblem(DataProblem.Kind.CONSTRAINT_VIOLATED, c.table(), null,
                        bad + " rows of " + c.table() + " violate " + name + " ("
                                + c.fact(SchemaFact.DEFINITION).orElse("") + "): VALIDATE CONSTRAINT " + name
                                + " will fail until they are fixed."));
            }
        }
    }

    /**
     * The next value of each subject's sequence and its name: a constant text, so the server plans it once per
     * session. A subject's sequence is the one its {@code nextval} default names, or else its identity column's
     * (found through {@code pg_depend}; {@code pg_get_serial_sequence} per column cost a third of a millisecond each).
     */
    private static final String NEXT_VALUES = """
            select x.i, coalesce(case when has_sequence_privilege(q.seqrelid, 'SELECT,USAGE')
                       then pg_sequence_last_value(q.seqrelid) end + q.seqincrement, q.seqstart)::numeric,
                   q.seqrelid::regclass::text
            from unnest(?::text[], ?::text[], ?::text[]) with ordinality x(tbl, col, seq, i)
            join pg_sequence q on q.seqrelid = coalesce(to_regclass(x.seq), (select d.objid from pg_depend d
                join pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
                where d.refobjid = to_regclass(x.tbl) and a.attname = x.col and d.classid = 'pg_class'::regclass
                  and d.refclassid = 'pg_class'::regclass and d.deptype = 'i'))
            order by x.i""";

    /**
     * The query of the maximum of each integer column a sequence fills, one column per {@code subjects} entry it adds
     * (table, column, the sequence its default names or null for an identity column); null: none. Scalar subqueries
     * in one row: the server plans them several times faster than a union of rows.
     */
    private String sequencesQuery(SchemaSnapshot schema, List<String[]> subjects) {
        List<String> parts = new ArrayList<>();
        for (SchemaObject column : schema.objects(ObjectKind.COLUMN)) {
            String type = column.fact(SchemaFact.TYPE).orElse("");
            if (!(type.equals("integer") || type.equals("bigint") || type.equals("smallint"))) {
                continue;
            }
            String sequence;
            if (column.fact(SchemaFact.IDENTITY).isPresent()) {
                sequence = null;
            } else {
                Matcher m = NEXTVAL.matcher(column.fact(SchemaFact.DEFAULT).orElse(""));
                if (!m.find()) {
                    continue;
                }
                sequence = m.group(1);
            }
            parts.add("(select max(" + q(column.simpleName()) + ") from " + q(column.table()) + ")::numeric");
            subjects.add(new String[]{column.table(), column.simpleName(), sequence});
        }
        return parts.isEmpty() ? null : parts.stream().collect(Collectors.joining(", ", "select ", ""));
    }

    private void sequenceProblems(ResultSet maxima, List<String[]> subjects, List<DataProblem> problems)
            throws SQLException {
        maxima.next();
        BigDecimal[] max = new BigDecimal[subjects.size()];
        for (int i = 0; i < max.length; i++) {
            max[i] = maxima.getBigDecimal(i + 1);
        }
        try (PreparedStatement ps = connection.prepareStatement(NEXT_VALUES)) {
            ps.setArray(1, connection.createArrayOf("text", subjects.stream().map(s -> q(s[0])).toArray()));
            ps.setArray(2, connection.createArrayOf("text", subjects.stream().map(s -> s[1]).toArray()));
            ps.setArray(3, connection.createArrayOf("text", subjects.stream().map(s -> s[2]).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int i = rs.getInt(1) - 1;
                    String[] subject = subjects.get(i);
                    BigDecimal next = rs.getBigDecimal(2);
                    if (max[i] != null && next != null && next.compareTo(max[i]) <= 0) {
                        String sequence = rs.getString(3);
                        problems.add(new DataProblem(DataProblem.Kind.SEQUENCE_BEHIND, subject[0], subject[1],
                                "sequence " + sequence + " will hand out " + next + " next, but " + subject[0] + "."
                                        + subject[1] + " already holds values up to " + max[i] + ": the next insert"
                                        + " fails with a duplicate key. Rows were inserted with explicit ids; add"
                                        + " SELECT setval('" + sequence + "', (SELECT max(" + subject[1] + ") FROM "
                                        + subject[0] + ")) to the migration."));
                    }
                }
            }
        }
    }
}
