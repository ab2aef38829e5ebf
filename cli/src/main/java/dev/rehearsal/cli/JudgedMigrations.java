package dev.rehearsal.cli;

import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.NewMigrations;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Which migrations a change adds ({@link NewMigrations}), asked of git on a thread of its own when no base is given,
 * so that git's processes run while the first migration is prepared rather than before it. A base given explicitly
 * ({@code --risks-since}, {@code --risks-base}) is judged at once, as a wrong one ends the run before any migration.
 */
final class JudgedMigrations implements Supplier<NewMigrations> {

    private final CompletableFuture<NewMigrations> answer;
    private final boolean ahead;

    private JudgedMigrations(CompletableFuture<NewMigrations> answer, boolean ahead) {
        this.answer = answer;
        this.ahead = ahead;
    }

    static JudgedMigrations of(MigrationHistory history, String since, String base, Path folder,
                               Map<String, String> environment, boolean needed) {
        Supplier<NewMigrations> judge = () -> NewMigrations.of(history, since, base, folder, environment);
        if (needed || given(since) || given(base)) {
            return new JudgedMigrations(CompletableFuture.completedFuture(judge.get()), false);
        }
        // asked in the background, git's answer comes after the migrations ran: a failure then judges every
        // migration, saying why, rather than ending the run without its reports
        Supplier<NewMigrations> orEverything = () -> {
            try {
                return judge.get();
            } catch (RuntimeException e) {
                Set<String> all = new LinkedHashSet<>();
                history.versioned().forEach(m -> all.add(m.displayName()));
                return new NewMigrations(all, "risks judged for every migration: git could not tell which are new ("
                        + e.getMessage() + "). Give --risks-since <version> (the last released migration) or"
                        + " --risks-base <branch>", false, Set.of());
            }
        };
        return new JudgedMigrations(CompletableFuture.supplyAsync(orEverything, task -> {
            Thread thread = new Thread(task, "rehearsal-git");
            thread.setDaemon(true);
            thread.start();
        }), true);
    }

    private static boolean given(String value) {
        return value != null && !value.isBlank();
    }

    /** Whether git is asked in the background, so that its note belongs after the migrations rather than before. */
    boolean ahead() {
        return ahead;
    }

    @Override
    public NewMigrations get() {
        try {
            return answer.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw e;
        }
    }
}
