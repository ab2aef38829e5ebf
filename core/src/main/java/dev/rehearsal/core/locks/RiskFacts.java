package dev.rehearsal.core.locks;

import dev.rehearsal.core.schema.SchemaSnapshot;
import org.apiguardian.api.API;

import java.util.List;
import java.util.Map;

/**
 * What an engine's {@link RiskRuleSet} looks at after a traced run: the statements and the locks each took, the
 * transactions they ran in, the schema before and after, the rows each table held before, whether the run reverted a
 * migration, the probes the run collided with, and which tables production already has ({@link ProductionTables}).
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public record RiskFacts(List<StatementTrace> statements, List<HeldLock> locks, Map<Integer, Long> transactions,
                        SchemaSnapshot before, SchemaSnapshot after, Map<String, Long> rowsBefore, boolean reverting,
                        List<ProbeCollision> collisions, ProductionTables production) {

    /** Facts with no table known to production: only rehearsed rows count. */
    public RiskFacts(List<StatementTrace> statements, List<HeldLock> locks, Map<Integer, Long> transactions,
                     SchemaSnapshot before, SchemaSnapshot after, Map<String, Long> rowsBefore, boolean reverting,
                     List<ProbeCollision> collisions) {
        this(statements, locks, transactions, before, after, rowsBefore, reverting, collisions, ProductionTables.NONE);
    }

    /** Whether the rules about scans, builds and rewrites apply to {@code table}: it exists and holds rows, here or in production. */
    public boolean hasRows(String table) {
        return before.table(table).isPresent() && production.hasRows(table, rowsBefore.getOrDefault(table, 0L));
    }

    /** What a risk's reason says of the rows of {@code table} ({@link ProductionTables#rows}). */
    public String rows(String table) {
        return production.rows(table, rowsBefore.getOrDefault(table, 0L));
    }
}
