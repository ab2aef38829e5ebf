package dev.rehearsal.core.internal.locks;

import dev.rehearsal.core.internal.data.DataChecks;
import dev.rehearsal.core.internal.data.ScriptWrites;
import dev.rehearsal.core.locks.HeldLock;
import dev.rehearsal.core.locks.LockMode;
import dev.rehearsal.core.locks.LockRisk;
import dev.rehearsal.core.locks.ProductionTables;
import dev.rehearsal.core.locks.RiskFacts;
import dev.rehearsal.core.locks.StatementTrace;
import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaChange;
import dev.rehearsal.core.schema.SchemaFact;
import dev.rehearsal.core.schema.SchemaObject;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The risk rules, judged on what really happened: the statement as it ran, the locks it took, whether it rewrote
 * a table, the table's rows before, and the schema before and after. Whether a table holds rows is asked of
 * {@link ProductionTables} alone: a table production already has is judged as having rows
 * at any rehearsed size; one the migrations being judged create, or one production's volume says is small, is no
 * risk for the rules about scans and builds. A down script ({@code reverting})
 * drops and renames what its up created, which the application version it returns to never used: the drop and
 * rename rules stay quiet there, the lock rules do not.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class RiskRules {

    private static final String NAME = "((?:\"[^\"]+\"|`[^`]+`|[\\w$]+)(?:\\.(?:\"[^\"]+\"|`[^`]+`|[\\w$]+))?)";
    private static final Pattern ALTER_TABLE = Pattern.compile(
            "^\\s*ALTER\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?(?:ONLY\\s+)?" + NAME, Pattern.CASE_INSENSITIVE);
    private static final Pattern CREATE_INDEX = Pattern.compile(
            "^\\s*CREATE\\s+(?:UNIQUE\\s+)?INDEX\\s+(CONCURRENTLY\\s+)?(?:IF\\s+NOT\\s+EXISTS\\s+)?(?:" + NAME + "\\s+)?ON\\s+(?:ONLY\\s+)?"
                    + NAME, Pattern.CASE_INSENSITIVE);
    private static final Pattern DROP_TABLE = Pattern.compile(
            "^\\s*DROP\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?([^;]+?)(?:\\s+(?:CASCADE|RESTRICT))?\\s*$", Pattern.CASE_INSENSITIVE);
    private static final Pattern ADD_CHECK_OR_FK = Pattern.compile(
            "\\bADD\\s+(?:CONSTRAINT\\s+\\S+\\s+)?(CHECK|FOREIGN\\s+KEY)\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern ADD_UNIQUE = Pattern.compile(
            "\\bADD\\s+(?:CONSTRAINT\\s+\\S+\\s+)?(UNIQUE|PRIMARY\\s+KEY)\\b(?![^,]*\\bUSING\\s+INDEX\\b)", Pattern.CASE_INSENSITIVE);
    private static final Pattern SET_NOT_NULL = Pattern.compile(
            "\\bALTER\\s+(?:COLUMN\\s+)?(\"[^\"]+\"|[\\w$]+)\\s+SET\\s+NOT\\s+NULL\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern RENAME = Pattern.compile(
            "\\bRENAME\\s+(?:COLUMN\\s+)?(?:(\"[^\"]+\"|[\\w$]+)\\s+)?TO\\s+(\"[^\"]+\"|[\\w$]+)", Pattern.CASE_INSENSITIVE);
    private static final Pattern DROP_COLUMN = Pattern.compile(
            "\\bDROP\\s+(?:COLUMN\\s+)?(?:IF\\s+EXISTS\\s+)?(\"[^\"]+\"|[\\w$]+)", Pattern.CASE_INSENSITIVE);
    private static final Pattern TYPE_CHANGE = Pattern.compile("\\b(?:SET\\s+DATA\\s+)?TYPE\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern ADD_COLUMN = Pattern.compile("\\bADD\\s+(?:COLUMN\\s+)?(?!CONSTRAINT\\b|CHECK\\b|"
            + "FOREIGN\\b|UNIQUE\\b|PRIMARY\\b)", Pattern.CASE_INSENSITIVE);
    private static final Pattern ALLOW = Pattern.compile("--\\s*rehearsal:allow\\s+([\\w-]+)\\s*(.*)$", Pattern.MULTILINE);

    private RiskRules() {
    }

    /** {@code -- rehearsal:allow <rule> <reason>} comments in a script, rule to reason. */
    public static Map<String, String> allowedIn(String script) {
        Map<String, String> allowed = new LinkedHashMap<>();
        Matcher m = ALLOW.matcher(script);
        while (m.find()) {
            String reason = m.group(2).trim();
            allowed.put(m.group(1), reason.isEmpty() ? "allowed in the script, no reason given" : reason);
        }
        return allowed;
    }

    /** The risks, each marked suppressed when {@code allowed} names its rule. */
    public static List<LockRisk> evaluate(RiskFacts facts, Map<String, String> allowed) {
        List<LockRisk> risks = new ArrayList<>();
        for (StatementTrace s : facts.statements()) {
            if (s.failed()) {
                continue;
            }
            String sql = stripComments(s.sql());
            Optional<String> altered = match(ALTER_TABLE, sql).map(RiskRules::name);
            Matcher index = CREATE_INDEX.matcher(sql);
            if (index.find() && index.group(1) == null) {
                String table = name(index.group(3));
                if (hasRows(facts, table)) {
                    risks.add(risk(allowed, "non-concurrent-index", s, table,
                            "CREATE INDEX holds SHARE on " + table + " (" + facts.rows(table)
                                    + ") while it builds: every write to " + table + " waits",
                            "CREATE INDEX CONCURRENTLY, outside a transaction (and drop the index if it ends INVALID)"));
                }
            }
            if (altered.isPresent()) {
                String table = altered.get();
                Matcher m = ADD_CHECK_OR_FK.matcher(sql);
                if (m.find() && !sql.toUpperCase(Locale.ROOT).contains("NOT VALID") && hasRows(facts, table)) {
                    boolean fk = m.group(1).toUpperCase(Locale.ROOT).startsWith("FOREIGN");
                    risks.add(risk(allowed, "constraint-not-valid", s, table, (fk ? "the foreign key" : "the CHECK")
                                    + " is validated against every row of " + table + " while the ALTER holds "
                                    + (fk ? "SHARE ROW EXCLUSIVE (writes wait, on the referenced table too)"
                                    : "ACCESS EXCLUSIVE (reads and writes wait)"),
                            "ADD CONSTRAINT ... NOT VALID, then ALTER TABLE ... VALIDATE CONSTRAINT in a separate transaction"));
                }
                Matcher nn = SET_NOT_NULL.matcher(sql);
                if (nn.find() && hasRows(facts, table) && !hasNotNullCheck(facts.before(), table, name(nn.group(1)))) {
                    String column = name(nn.group(1));
                    risks.add(risk(allowed, "set-not-null", s, table, "SET NOT NULL scans every row of " + table
                                    + " to check " + column + " while holding ACCESS EXCLUSIVE",
                            "ADD CONSTRAINT " + column + "_not_null CHECK (" + column + " IS NOT NULL) NOT VALID; VALIDATE"
                                    + " CONSTRAINT it; then SET NOT NULL, which uses the validated CHECK and skips the scan"));
                }
                Matcher uq = ADD_UNIQUE.matcher(sql);
                if (uq.find() && hasRows(facts, table)) {
                    risks.add(risk(allowed, "unique-under-exclusive", s, table, "ADD " + uq.group(1).toUpperCase(Locale.ROOT)
                                    + " builds its index on " + table + " while holding ACCESS EXCLUSIVE: reads and writes wait",
                            "CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... USING INDEX"));
                }
                if (!s.rewritten().isEmpty() && s.rewritten().contains(table) && hasRows(facts, table)) {
                    boolean type = TYPE_CHANGE.matcher(sql).find();
                    boolean add = ADD_COLUMN.matcher(sql).find();
                    risks.add(risk(allowed, type ? "column-type-rewrite" : add ? "volatile-default-rewrite" : "table-rewrite",
                            s, table, (type ? "the type change rewrote " : add ? "the new column's volatile default rewrote "
                                    : "the statement rewrote ") + table + " (" + facts.rows(table)
                                    + ") under ACCESS EXCLUSIVE: reads and writes wait for the whole rewrite",
                            type ? "add a new column of the new type, backfill in batches, switch, drop the old one"
                                    : add ? "add the column without a default (or with a constant one), then backfill in batches"
                                    : "avoid the rewrite, or run it in a maintenance window"));
                }
            }
            altered.ifPresent(table -> risks.addAll(ConstraintBuildRisks.of(facts, s, table, sql, allowed)));
            risks.addAll(IndexDropRisks.of(facts, s, sql, allowed));
            risks.addAll(compatibilityRisks(facts, s, allowed));
            strongestOnExisting(facts, s).ifPresent(lock -> {
                if (s.noLockTimeout()) {
                    risks.add(risk(allowed, "no-lock-timeout", s, lock.relation(), lock.mode() + " on " + lock.relation()
                                    + " was requested with no lock_timeout: behind one long transaction it would wait,"
                                    + " and every query on " + lock.relation() + " would queue behind it",
                            "SET lock_timeout = '2s' before it (and retry the migration when it gives up)"));
                }
                if (lock.mode() == LockMode.ACCESS_EXCLUSIVE) {
                    List<StatementTrace> later = laterInTransaction(facts, s);
                    if (!later.isEmpty()) {
                        long ms = later.stream().mapToLong(x -> x.duration().toMillis()).sum();
                        risks.add(risk(allowed, "exclusive-held-across-statements", s, lock.relation(), "ACCESS EXCLUSIVE on "
                                        + lock.relation() + " stays held while " + later.size() + " later statement"
                                        + (later.size() == 1 ? "" : "s") + " of the same transaction run (" + ms
                                        + " ms, starting with " + later.get(0).summary() + ")",
                                "commit right after the statement that needs ACCESS EXCLUSIVE; run the rest in its own transaction"));
                    }
                }
            });
        }
        // one diff of the two snapshots for both rules (it walks the whole schema)
        List<SchemaChange> changes = facts.before().diff(facts.after()).changes();
        risks.addAll(foreignKeysWithoutIndex(facts, changes, allowed));
        risks.addAll(blockRisks(facts, changes, allowed));
        risks.addAll(DeadlockRisks.evaluate(facts, allowed));
        return risks;
    }

    private static final Pattern BLOCK = Pattern.compile("^\\s*(?:DO\\b|CALL\\b|SELECT\\b(?!.*\\bFROM\\b))",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    /** Whether the statement runs procedural code (a DO block, a procedure, a function called by SELECT). */
    static boolean isBlock(StatementTrace s) {
        return BLOCK.matcher(stripComments(s.sql())).find();
    }

    /**
     * The rules judged on facts for statements whose text says little: a DO block, a CALL, a SELECT of a function.
     * What they did is read from the trace and the schema: a new relfilenode is a rewrite; a table, column or index
     * that appeared or vanished, or a column that became NOT NULL, with no plain statement of the migration to
     * explain it, was the block's doing. Each fact is attributed to the block that names the table, else to the first.
     */
    static List<LockRisk> blockRisks(RiskFacts facts, List<SchemaChange> changes, Map<String, String> allowed) {
        List<StatementTrace> blocks = facts.statements().stream().filter(s -> !s.failed() && isBlock(s)).toList();
        List<LockRisk> risks = new ArrayList<>();
        if (blocks.isEmpty()) {
            return risks;
        }
        List<String> plain = facts.statements().stream().filter(s -> !isBlock(s)).map(s -> stripComments(s.sql())).toList();
        for (StatementTrace b : blocks) {
            for (String table : b.rewritten()) {
                if (hasRows(facts, table)) {
                    risks.add(risk(allowed, "table-rewrite", b, table, "the block rewrote " + table + " ("
                                    + facts.rows(table) + "; its storage was replaced) under ACCESS"
                                    + " EXCLUSIVE: reads and writes wait for the whole rewrite",
                            "do the change outside the block, as plain statements the risk rules can read, and avoid"
                                    + " the rewrite: add a column and backfill in batches instead of changing its type"));
                }
            }
        }
        for (SchemaChange change : changes) {
            SchemaObject o = change.object();
            String table = o.kind() == ObjectKind.TABLE ? o.name() : o.table();
            if (table == null) {
                continue;
            }
            StatementTrace b = blocks.stream().filter(x -> DataChecks.mentions(x.sql(), o.simpleName())
                    || DataChecks.mentions(x.sql(), table)).findFirst().orElse(blocks.get(0));
            if (change.type() == SchemaChange.Type.REMOVED && !facts.reverting()
                    && (o.kind() == ObjectKind.TABLE || o.kind() == ObjectKind.COLUMN)
                    && plain.stream().noneMatch(sql -> DROP_ANY.matcher(sql).find() && DataChecks.mentions(sql, o.simpleName()))) {
                boolean column = o.kind() == ObjectKind.COLUMN;
                if (column && facts.after().table(table).isEmpty()) {
                    continue; // the whole table went: one risk for it
                }
                risks.add(risk(allowed, column ? "drop-column" : "drop-table", b, table, "the block dropped "
                                + (column ? "column " + o.name() : "table " + table)
                                + ": the application version still running may read or write it and fail",
                        "stop using it in the application first; drop it in a later release"));
            } else if (change.type() == SchemaChange.Type.ADDED && o.kind() == ObjectKind.INDEX && hasRows(facts, table)
                    && plain.stream().noneMatch(sql -> DataChecks.mentions(sql, o.simpleName()))) {
                risks.add(risk(allowed, "non-concurrent-index", b, table, "the block built index " + o.simpleName()
                                + " on " + table + " (" + facts.rows(table) + ") inside a"
                                + " transaction, holding SHARE: every write to " + table + " waits for the build",
                        "CREATE INDEX CONCURRENTLY as a plain statement outside any transaction or block"));
            } else if (change.type() == SchemaChange.Type.CHANGED && o.kind() == ObjectKind.COLUMN
                    && change.before().flag(SchemaFact.NULLABLE, false)
                    && !change.after().flag(SchemaFact.NULLABLE, true) && hasRows(facts, table)
                    && !hasNotNullCheck(facts.before(), table, o.simpleName())
                    && plain.stream().noneMatch(sql -> SET_NOT_NULL.matcher(sql).find()
                    && DataChecks.mentions(sql, o.simpleName()))) {
                risks.add(risk(allowed, "set-not-null", b, table, "the block made " + o.name() + " NOT NULL, which"
                                + " scans every row of " + table + " while holding ACCESS EXCLUSIVE",
                        "ADD CONSTRAINT ... CHECK (" + o.simpleName() + " IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT;"
                                + " then SET NOT NULL, which skips the scan"));
            }
        }
        return risks;
    }

    private static final Pattern PARTIAL = Pattern.compile("\\)\\s+WHERE\\s", Pattern.CASE_INSENSITIVE);
    private static final Pattern DROP_ANY = Pattern.compile("\\bDROP\\b", Pattern.CASE_INSENSITIVE);

    /** Where a statement is, for messages: its line in the script, else its place in the run. */
    static String at(StatementTrace s) {
        return s.line() > 0 ? "line " + s.line() : "statement " + (s.index() + 1);
    }

    private static List<LockRisk> foreignKeysWithoutIndex(RiskFacts facts, List<SchemaChange> changes,
                                                          Map<String, String> allowed) {
        List<LockRisk> risks = new ArrayList<>();
        for (SchemaChange change : changes) {
            SchemaObject c = change.object();
            if (change.type() != SchemaChange.Type.ADDED || c.kind() != ObjectKind.CONSTRAINT
                    || !"foreign key".equals(c.fact(SchemaFact.TYPE).orElse("")) || !hasRows(facts, c.table())) {
                continue;
            }
            List<String> columns = c.list(SchemaFact.COLUMNS);
            // a partial index leaves out the rows its WHERE excludes: a delete on the parent still scans for them
            boolean indexed = facts.after().on(c.table(), ObjectKind.INDEX).stream()
                    .map(i -> i.fact(SchemaFact.DEFINITION).orElse(""))
                    .filter(d -> !PARTIAL.matcher(d).find())
                    .map(RiskRules::indexColumns)
                    .anyMatch(cols -> cols.size() >= columns.size() && cols.subList(0, columns.size()).equals(columns));
            if (!indexed) {
                String where = facts.statements().stream().filter(s -> s.sql().contains(c.simpleName())).findFirst()
                        .map(StatementTrace::where).orElse("constraint " + c.simpleName());
                risks.add(new LockRisk("fk-without-index", where, c.table(), "no index on " + c.table() + " ("
                        + String.join(", ", columns) + ") that covers every row, for foreign key " + c.simpleName() + ": every delete or key"
                        + " update on " + c.fact(SchemaFact.REFERENCED_TABLE).orElse("the parent") + " scans " + c.table(),
                        "CREATE INDEX CONCURRENTLY ON " + c.table() + " (" + String.join(", ", columns) + ")",
                        allowed.get("fk-without-index")));
            }
        }
        return risks;
    }

    /**
     * The rules about the application version still running, the same on every engine: dropping a table or a
     * column it may use, renaming one it reads. Quiet in down scripts.
     */
    public static List<LockRisk> compatibilityRisks(RiskFacts facts, StatementTrace s, Map<String, String> allowed) {
        List<LockRisk> risks = new ArrayList<>();
        if (facts.reverting() || s.failed()) {
            return risks;
        }
        String sql = stripComments(s.sql());
        Matcher drop = DROP_TABLE.matcher(sql);
        if (drop.find()) {
            for (String t : drop.group(1).split(",")) {
                String table = name(t.trim());
                if (facts.before().table(table).isPresent()) {
                    risks.add(risk(allowed, "drop-table", s, table, "dropping " + table
                                    + ": the application version still running may read or write it and fail",
                            "stop using the table in the application first; drop it in a later release"));
                }
            }
        }
        Optional<String> altered = match(ALTER_TABLE, sql).map(RiskRules::name);
        if (altered.isEmpty()) {
            return risks;
        }
        String table = altered.get();
        Matcher rn = RENAME.matcher(sql);
        if (rn.find() && facts.before().table(table).isPresent()) {
            boolean column = rn.group(1) != null;
            risks.add(risk(allowed, "rename", s, table, "renaming " + (column ? "column " + name(rn.group(1))
                            + " of " + table : "table " + table) + ": the application version still running reads"
                            + " the old name and fails until it is redeployed",
                    column ? "expand and contract: add the new column, keep both in sync, move the application,"
                            + " drop the old one in a later release"
                            : "rename, then create a view with the old name until the application has moved"));
        }
        Matcher dc = DROP_COLUMN.matcher(sql);
        if (!DROP_OTHER_THAN_COLUMN.matcher(sql).find() && dc.find()
                && facts.before().column(table, name(dc.group(1))).isPresent()) {
            risks.add(risk(allowed, "drop-column", s, table, "dropping " + table + "." + name(dc.group(1))
                            + ": the application version still running may read or write it and fail",
                    "stop using the column in the application first; drop it in a later release"));
        }
        return risks;
    }

    private static final Pattern DROP_OTHER_THAN_COLUMN = Pattern.compile(
            "\\bDROP\\s+(CONSTRAINT|DEFAULT|NOT\\s+NULL|IDENTITY|EXPRESSION)\\b",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern INDEX_COLUMNS = Pattern.compile("USING \\w+ \\((.*)\\)");

    static List<String> indexColumns(String definition) {
        Matcher m = INDEX_COLUMNS.matcher(definition);
        if (!m.find()) {
            return List.of();
        }
        List<String> cols = new ArrayList<>();
        for (String part : m.group(1).split(",\\s*")) {
            cols.add(name(part.trim().split("\\s+")[0]));
        }
        return cols;
    }

    /**
     * The strongest write-blocking lock the statement took on a table the application uses: one that existed before;
     * when reverting, one that also survives the down (what the down drops, its up created, and the application
     * being returned to never used).
     */
    private static Optional<HeldLock> strongestOnExisting(RiskFacts facts, StatementTrace s) {
        return facts.locks().stream().filter(l -> l.statement() == s.index() && l.existing()
                        && (!facts.reverting() || facts.after().table(l.relation()).isPresent())
                        && l.kind() == HeldLock.RelationKind.TABLE && l.mode().blocksWrites())
                .max(Comparator.comparing(HeldLock::mode));
    }

    private static List<StatementTrace> laterInTransaction(RiskFacts facts, StatementTrace s) {
        Long tx = facts.transactions().get(s.index());
        if (tx == null || !s.inTransaction()) {
            return List.of();
        }
        return facts.statements().stream().filter(x -> x.index() > s.index() && x.script() != null
                        && tx.equals(facts.transactions().get(x.index())))
                .toList();
    }

    static boolean hasRows(RiskFacts facts, String table) {
        return facts.hasRows(table);
    }

    static boolean hasNotNullCheck(SchemaSnapshot before, String table, String column) {
        return before.on(table, ObjectKind.CONSTRAINT).stream()
                .filter(c -> "check".equals(c.fact(SchemaFact.TYPE).orElse("")) && c.flag(SchemaFact.VALIDATED, false))
                .map(c -> c.fact(SchemaFact.DEFINITION).orElse("").replaceAll("[()\\s]", "").toLowerCase(Locale.ROOT))
                .anyMatch(d -> d.equals("check" + column.toLowerCase(Locale.ROOT) + "isnotnull"));
    }

    static LockRisk risk(Map<String, String> allowed, String rule, StatementTrace s, String table, String reason,
                                 String alternative) {
        return new LockRisk(rule, s.where(), table, reason, alternative, allowed.get(rule));
    }

    private static Optional<String> match(Pattern p, String sql) {
        Matcher m = p.matcher(sql);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** {@code "Orders"} as written, {@code orders} folded, {@code public.orders} without the default schema. */
    static String name(String raw) {
        return ScriptWrites.simple(raw);
    }

    private static final Pattern LINE_COMMENT = Pattern.compile("(?m)--.*$");
    private static final Pattern BLOCK_COMMENT = Pattern.compile("(?s)/\\*.*?\\*/");

    static String stripComments(String sql) {
        if (sql.indexOf("--") < 0 && sql.indexOf("/*") < 0) {
            return sql.trim();
        }
        return BLOCK_COMMENT.matcher(LINE_COMMENT.matcher(sql).replaceAll("")).replaceAll("").trim();
    }
}
