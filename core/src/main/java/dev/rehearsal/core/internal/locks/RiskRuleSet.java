package dev.rehearsal.core.internal.locks;

import dev.rehearsal.core.locks.LockRisk;

import java.util.List;
import java.util.Map;

/**
 * An engine's own risk rules. A {@link dev.rehearsal.core.db.LockSupport} that implements it replaces the
 * PostgreSQL rules of {@link RiskRules} with these: what is risky, and what to do instead, differs by engine.
 */
public interface RiskRuleSet {

    /** The risks of an observed run, each marked suppressed when {@code allowed} names its rule. */
    List<LockRisk> evaluate(RiskRules.Facts facts, Map<String, String> allowed);
}
