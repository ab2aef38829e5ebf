package dev.rehearsal.core.internal.roundtrip;

import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.NewMigrations;
import dev.rehearsal.core.estimate.ProductionVolumes;
import dev.rehearsal.core.internal.data.ScriptWrites;
import dev.rehearsal.core.locks.ProductionTables;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaObject;
import dev.rehearsal.core.schema.SchemaSnapshot;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which tables production has when a migration runs, for the risk rules ({@link ProductionTables}): those that exist
 * before it, less those the migrations being judged created (the ones a change adds: {@link NewMigrations}), which are
 * empty in production. With no base known (outside git, no {@code --risks-since}) every earlier migration counts as
 * released. The tables a new migration created are read from its SQL (its {@code CREATE TABLE}s) and from what its up
 * was seen to add; declared production volumes say which tables are small.
 */
final class ReleasedTables {

    private static final Pattern CREATE_TABLE = Pattern.compile(
            "\\bCREATE\\s+(?:UNLOGGED\\s+)?TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?((?:\"[^\"]+\"|`[^`]+`|[\\w$]+)"
                    + "(?:\\.(?:\"[^\"]+\"|`[^`]+`|[\\w$]+))?)", Pattern.CASE_INSENSITIVE);

    private final Supplier<MigrationHistory> history;
    private volatile Supplier<NewMigrations> judged = NewMigrations::noBase;
    private volatile Map<String, Long> volumes = Map.of();
    private final Set<String> seenCreatedByNew = ConcurrentHashMap.newKeySet();

    ReleasedTables(Supplier<MigrationHistory> history) {
        this.history = history;
    }

    /** Which migrations are new: asked once, when a risk is first judged. */
    void judging(Supplier<NewMigrations> judged) {
        this.judged = judged;
    }

    /** Whether the findings of the migration with this display name are judged (a change adds it), not only reported. */
    boolean judged(String migration) {
        return judged.get().judged(migration);
    }

    void volumes(ProductionVolumes declared) {
        this.volumes = declared == null ? Map.of() : declared.rows();
    }

    /** The production tables when {@code migration} (null: the repeatable ones) runs over {@code before}. */
    ProductionTables at(Migration migration, SchemaSnapshot before) {
        Set<String> tables = new LinkedHashSet<>();
        for (SchemaObject t : before.objects(ObjectKind.TABLE)) {
            tables.add(t.name());
        }
        NewMigrations news = judged.get();
        Set<String> created = news.baseKnown() ? createdByNew(news, migration, before) : Set.of();
        tables.removeAll(created);
        return new ProductionTables(tables, created, volumes);
    }

    /** After a new migration's up: what it added, for the steps after it. */
    void upRan(Migration migration, SchemaSnapshot before, SchemaSnapshot after) {
        if (migration == null || after == null || !judged.get().judged(migration.displayName())) {
            return;
        }
        for (SchemaObject t : after.objects(ObjectKind.TABLE)) {
            if (before.table(t.name()).isEmpty()) {
                seenCreatedByNew.add(t.name());
            }
        }
    }

    /** Tables the new migrations up to and including {@code migration} create, as {@code before} names them. */
    private Set<String> createdByNew(NewMigrations news, Migration migration, SchemaSnapshot before) {
        Set<String> created = new HashSet<>(seenCreatedByNew);
        for (Migration m : history.get().versioned()) {
            if (news.judged(m.displayName()) && m.up() != null && m.up().sql() != null) {
                Matcher table = CREATE_TABLE.matcher(m.up().sql());
                while (table.find()) {
                    created.add(ScriptWrites.simple(table.group(1)));
                }
            }
            if (m.equals(migration)) {
                break;
            }
        }
        created.retainAll(before.objects(ObjectKind.TABLE).stream().map(SchemaObject::name).toList());
        return created;
    }
}
