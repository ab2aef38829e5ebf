package dev.rehearsal.core.locks;

import org.apiguardian.api.API;

import java.util.List;
import java.util.Map;

/**
 * An engine's risk rules, from {@link dev.rehearsal.core.db.EngineLocks#riskRules()}: PostgreSQL's are
 * {@code internal.locks.RiskRules}, MariaDB's its own. What is risky, and what to do instead, differs by engine.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public interface RiskRuleSet {

    /** The risks of an observed run, each marked suppressed when {@code allowed} names its rule. */
    List<LockRisk> evaluate(RiskFacts facts, Map<String, String> allowed);
}
