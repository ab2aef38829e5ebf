package dev.rehearsal.core.internal.roundtrip;

import dev.rehearsal.core.locks.HeldLock;
import dev.rehearsal.core.locks.LockMode;
import dev.rehearsal.core.locks.LockReport;
import dev.rehearsal.core.locks.ProductionTables;
import dev.rehearsal.core.schema.SchemaSnapshot;

import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * What a step says when the rules about scans, builds and rewrites stayed silent on a table the up locked against
 * writes because production holds no rows there, or few: so a quiet report is not read as a table judged safe.
 */
final class RowRulesExemptions {

    private RowRulesExemptions() {
    }

    /**
     * The note for the up whose trace is {@code locks}, run on {@code before}: each table that existed, was locked
     * against writes, and is exempt (created by a migration being judged, or small in production), with why.
     */
    static Optional<String> note(LockReport locks, SchemaSnapshot before, ProductionTables production) {
        Set<String> exempt = new LinkedHashSet<>();
        for (HeldLock lock : locks.locks()) {
            if (lock.mode().conflictsWith(LockMode.ROW_EXCLUSIVE) && before.table(lock.relation()).isPresent()) {
                production.exemption(lock.relation()).ifPresent(exempt::add);
            }
        }
        return exempt.isEmpty() ? Optional.empty() : Optional.of("rules about scans, builds and rewrites left out "
                + String.join(", ", exempt));
    }
}
