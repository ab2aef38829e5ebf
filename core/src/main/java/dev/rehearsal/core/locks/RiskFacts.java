package dev.rehearsal.core.locks;

import dev.rehearsal.core.schema.SchemaSnapshot;
import org.apiguardian.api.API;

import java.util.List;
import java.util.Map;

/**
 * What an engine's {@link RiskRuleSet} looks at after a traced run: the statements and the locks each took, the
 * transactions they ran in, the schema before and after, the rows each table held before, whether the run reverted a
 * migration, and the probes the run collided with.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public record RiskFacts(List<StatementTrace> statements, List<HeldLock> locks, Map<Integer, Long> transactions,
                        SchemaSnapshot before, SchemaSnapshot after, Map<String, Long> rowsBefore, boolean reverting,
                        List<ProbeCollision> collisions) {
}
