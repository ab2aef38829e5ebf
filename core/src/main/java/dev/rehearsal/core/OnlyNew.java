package dev.rehearsal.core;

import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.RehearsalException;
import org.apiguardian.api.API;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A pull request rehearses what it adds ({@code rehearsal check --only-new}, {@code rehearsal.only-new}): the
 * migrations before the first one the change adds are taken as released and applied by the tool's own ups, in one go
 * and without checks ({@link MigrationRehearsal#applyReleased}); the round trips then plan from there.
 *
 * @param base        the last migration taken as released; empty where the change adds the first one
 * @param released    how many migrations were taken as released
 * @param nothingNew  whether the change adds no migration at all: nothing to rehearse
 * @param note        one line on what was taken as released and how the base was reached, or why nothing runs
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record OnlyNew(Optional<Migration> base, int released, boolean nothingNew, String note) {

    /**
     * Brings {@code rehearsal}'s database to the base of the change {@code judged} describes.
     *
     * @throws RehearsalException     when no base tells new from released (not a git repository, no base branch, no
     *                                {@code rehearsal.risks.since}), saying how to give one
     * @throws HistoryDefectException when the change edits a released migration: production has run it and will not
     *                                run it again, so the edit would never reach it
     */
    public static OnlyNew reach(MigrationRehearsal rehearsal, NewMigrations judged) {
        return reach(rehearsal, judged, false);
    }

    /**
     * Brings {@code rehearsal}'s database to the base of the change {@code judged} describes, as
     * {@link #reach(MigrationRehearsal, NewMigrations)} does; with {@code keepBase}
     * ({@code rehearsal.only-new.keep-base}), from a base an earlier run kept, or kept for later runs
     * ({@link MigrationRehearsal#reachReleased}).
     */
    public static OnlyNew reach(MigrationRehearsal rehearsal, NewMigrations judged, boolean keepBase) {
        if (!judged.baseKnown()) {
            throw new RehearsalException("rehearsal.only-new (--only-new) needs a base that tells the change's"
                    + " migrations from released ones, and there is none here: " + (judged.note() == null
                    ? "give the branch the change goes into (rehearsal.risks.base) or the last released version"
                    + " (rehearsal.risks.since)" : judged.note()) + ".");
        }
        List<Migration> all = rehearsal.history().versioned();
        List<Migration> edited = all.stream().filter(m -> judged.edited().contains(m.displayName())).toList();
        if (!edited.isEmpty()) {
            throw new HistoryDefectException("The change edits " + (edited.size() == 1 ? "a released migration"
                    : edited.size() + " released migrations") + ", which production has run and will not run again (Flyway and"
                    + " Liquibase refuse a changed checksum; golang-migrate, Alembic and the others skip it), so the"
                    + " edit would never reach production: " + edited.stream().map(m -> m.displayName() + " ("
                    + m.up().location() + ")").collect(Collectors.joining(", ")) + ". Undo the edit"
                    + " and add a new migration with the change.");
        }
        Optional<Migration> first = judged.firstNew(rehearsal.history());
        boolean repeatables = rehearsal.history().repeatable().stream().anyMatch(m -> judged.judged(m.displayName()));
        if (first.isEmpty() && !repeatables) {
            return new OnlyNew(Optional.empty(), all.size(), true, "the change adds no migration (" + judged.note()
                    + "): nothing to rehearse with only-new");
        }
        int index = first.map(all::indexOf).orElse(all.size()); // only repeatable ones changed: after the last
        long laterReleased = all.subList(index, all.size()).stream().filter(m -> !judged.judged(m.displayName()))
                .count();
        if (index == 0) {
            return new OnlyNew(Optional.empty(), 0, false, "only new: every migration is new; rehearsing all "
                    + all.size());
        }
        Migration base = all.get(index - 1);
        String how = rehearsal.reachReleased(base.version(), keepBase);
        return new OnlyNew(Optional.of(base), index, false, String.format(Locale.ROOT, "only new: %d migration%s"
                + " taken as released, up to %s, %s; rehearsing the %d after it%s", index, index == 1 ? "" : "s",
                base.displayName(), how,
                all.size() - index, laterReleased == 0 ? "" : ", " + laterReleased + " of them released ones that"
                + " come after a new one (a new migration out of order: production applies it after them, or its"
                + " tool refuses it)"));
    }
}
