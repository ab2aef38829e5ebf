package dev.rehearsal.core;

import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.MigrationScript;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;
import org.apiguardian.api.API;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Which migrations a change adds, whose lock risks are judged (a risk not allowed fails the test or the command), and
 * which were released already, whose risks are reported only: nobody can act on a migration that ran in production
 * years ago. The same rule for the JUnit extension and the command line.
 * New are the migrations after {@code rehearsal.risks.since}; else, in a git repository, those whose files were added
 * or changed since the merge base with the base branch ({@code rehearsal.risks.base}, else the branch CI names, else
 * {@code origin/HEAD}, {@code main}, {@code master}), uncommitted files included; else every migration, and
 * {@link #note()} says how to choose.
 *
 * @param names     the display names of the new migrations, and of the released ones whose files changed
 * @param note      one line for the progress output on what was judged, or null when every migration was
 * @param baseKnown whether a base (a version, or git's merge base) told new from released; false when every migration
 *                  is judged for want of one, and every earlier migration counts as released
 * @param edited    the display names, among {@code names}, of released migrations whose up (or changeset) changed
 *                  since the base: their risks are judged, but production will not run them again, so a pull
 *                  request's rehearsal does not start at them ({@link #firstNew})
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record NewMigrations(Set<String> names, String note, boolean baseKnown, Set<String> edited) {

    /** Environment variables in which CI services name the branch a change goes into. */
    private static final List<String> CI_BASE = List.of("GITHUB_BASE_REF", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME",
            "BITBUCKET_PR_DESTINATION_BRANCH", "SYSTEM_PULLREQUEST_TARGETBRANCH", "CHANGE_TARGET");

    public NewMigrations {
        names = Set.copyOf(names);
        edited = Set.copyOf(edited);
    }

    /** New migrations told from released ones by a base. */
    public NewMigrations(Set<String> names, String note) {
        this(names, note, true, Set.of());
    }

    /** With no base known: every migration is judged, and every earlier migration counts as released. */
    public static NewMigrations noBase() {
        return new NewMigrations(Set.of(), null, false, Set.of());
    }

    /**
     * Whether production has what {@code migration} finds when it runs: true for a released migration, and, with no
     * base known, for any migration (what every earlier one made is taken as released).
     */
    public boolean released(String migration) {
        return !baseKnown || !names.contains(migration);
    }

    /**
     * The first migration of {@code history}, in its order, that the change adds: where a pull request's rehearsal
     * starts ({@code --only-new}); everything before it is taken as released. A released migration whose up the
     * change edited is not new: production has run it and will not run it again ({@link OnlyNew#reach} refuses it).
     * Empty where the change adds none.
     */
    public Optional<Migration> firstNew(MigrationHistory history) {
        return history.versioned().stream()
                .filter(m -> names.contains(m.displayName()) && !edited.contains(m.displayName())).findFirst();
    }

    /** Whether the risks of the migration with this display name are judged. */
    public boolean judged(String migration) {
        return names.contains(migration);
    }

    /**
     * @throws RehearsalException for a {@code since} that is no version of the history, or a base that git cannot
     *                            resolve
     */
    public static NewMigrations of(MigrationHistory history, String since, String base, Path folder,
                                   Map<String, String> environment) {
        List<Migration> all = history.versioned();
        // a repeatable migration runs again whenever it changes: new where its file changed, as a versioned one
        List<Migration> everyOne = new ArrayList<>(all);
        everyOne.addAll(history.repeatable());
        if (since != null && !since.isBlank()) {
            MigrationVersion after;
            try {
                after = history.require(since.strip()).version();
            } catch (RehearsalException e) {
                throw new RehearsalException("rehearsal.risks.since (--risks-since) is " + since + ", which is no"
                        + " migration of " + history.location() + ": give the version (or name) of the last released"
                        + " migration. " + e.getMessage(), e);
            }
            Set<String> names = new LinkedHashSet<>();
            all.stream().filter(m -> m.version().compareTo(after) > 0).forEach(m -> names.add(m.displayName()));
            return new NewMigrations(names, "risks judged for the " + names.size() + " migration"
                    + (names.size() == 1 ? "" : "s") + " after " + since.strip() + " (rehearsal.risks.since); those of"
                    + " earlier migrations are reported, not judged");
        }
        Path dir = Files.isDirectory(folder) ? folder : folder.toAbsolutePath().getParent();
        Git git = new Git(dir);
        String root = git.run("rev-parse", "--show-toplevel");
        if (root == null) {
            return everything(everyOne, "not a git repository");
        }
        String ref = base == null || base.isBlank() ? defaultBase(git, environment) : base.strip();
        if (base != null && !base.isBlank() && git.run("rev-parse", "--verify", "--quiet", ref + "^{commit}") == null) {
            throw new RehearsalException("rehearsal.risks.base (--risks-base) is " + base + ", which git cannot resolve"
                    + " in " + root + ": name the branch the change goes into, such as origin/main (fetch it first in"
                    + " CI), or give --risks-since <version>.");
        }
        if (ref == null) {
            return everything(everyOne, "no base branch found (origin/HEAD, main, master)");
        }
        String mergeBase = git.run("merge-base", "HEAD", ref);
        if (mergeBase == null) {
            return everything(everyOne, "no merge base with " + ref + " (a shallow clone? fetch with more depth)");
        }
        Path top = Path.of(root);
        List<String> roots = classPathRoots(history.location());
        Set<Path> changed = paths(top, git.run("diff", "--name-only", mergeBase.strip()),
                git.run("-C", root, "ls-files", "--others", "--exclude-standard"));
        if (!roots.isEmpty() && roots.size() == history.location().split(",").length) {
            // a history read from the class path alone is a build's copy: its sources tell, not the copies git does
            // not ignore
            everyOne.forEach(m -> builtCopies(m).forEach(changed::remove));
        }
        // the files at the base: a migration whose file was there is released; one renamed since is new, as
        // production has never run a migration under its new name
        Set<Path> atBase = paths(top, git.run("ls-tree", "-r", "--full-tree", "--name-only", mergeBase.strip()));
        Set<String> names = new LinkedHashSet<>();
        Set<String> edited = new LinkedHashSet<>();
        for (Migration m : everyOne) {
            Optional<Path> up = touched(m.up(), changed, roots);
            Optional<Path> file = up.isEmpty() && m.down() != null ? touched(m.down(), changed, roots) : up;
            if (file.isEmpty()) {
                continue;
            }
            // a changeset is new, released as it was, or edited, whatever else its changelog file gained; an up
            // script whose file was there at the base is edited (a down edited alone reaches production, at a
            // rollback: it is judged, as new)
            Base was = m.up().name().contains("::") ? changesetAtBase(m.up(), git, mergeBase.strip(), top, file.get())
                    : up.isPresent() && atBase.contains(up.get()) ? Base.EDITED : Base.NEW;
            if (was != Base.RELEASED) {
                names.add(m.displayName());
            }
            if (was == Base.EDITED && !history.repeatable().contains(m)) { // a changed repeatable one runs again
                edited.add(m.displayName());
            }
        }
        return new NewMigrations(names, "risks judged for the " + names.size() + " migration"
                + (names.size() == 1 ? "" : "s") + " added or changed since " + ref + " (merge base "
                + mergeBase.strip().substring(0, Math.min(10, mergeBase.strip().length())) + "); those of the "
                + (everyOne.size() - names.size()) + " released ones are reported, not judged (--risks-base,"
                + " --risks-since to choose)" + (edited.isEmpty() ? "" : "; released and edited since: "
                + String.join(", ", edited) + " (production will not run an edited migration again: add a new one)"),
                true, edited);
    }

    /** The files on disk a migration's scripts were read from, as real paths. */
    private static List<Path> builtCopies(Migration migration) {
        List<Path> copies = new ArrayList<>();
        for (MigrationScript script : migration.down() == null ? List.of(migration.up())
                : List.of(migration.up(), migration.down())) {
            try {
                Path file = Path.of(script.location());
                if (Files.isRegularFile(file)) {
                    copies.add(file.toRealPath());
                }
            } catch (IOException | InvalidPathException e) {
                // not a file on disk (read from a jar): nothing to leave out
            }
        }
        return copies;
    }

    /** The files of git's listings, as paths below the repository's top folder. */
    private static Set<Path> paths(Path top, String... listings) {
        Set<Path> files = new HashSet<>();
        for (String listing : listings) {
            if (listing != null) {
                listing.lines().filter(l -> !l.isBlank()).forEach(l -> files.add(top.resolve(l.strip()).normalize()));
            }
        }
        return files;
    }

    private static NewMigrations everything(List<Migration> all, String why) {
        Set<String> names = new LinkedHashSet<>();
        all.forEach(m -> names.add(m.displayName()));
        return new NewMigrations(names, "risks judged for every migration: " + why + ". Give --risks-since <version>"
                + " (the last released migration) or --risks-base <branch> to judge only the migrations a change adds",
                false, Set.of());
    }

    private static String defaultBase(Git git, Map<String, String> environment) {
        List<String> candidates = new ArrayList<>();
        for (String variable : CI_BASE) {
            String branch = environment.get(variable);
            if (branch != null && !branch.isBlank()) {
                String name = branch.strip().replaceFirst("^refs/heads/", "");
                candidates.add("origin/" + name);
                candidates.add(name);
            }
        }
        candidates.addAll(List.of("origin/HEAD", "main", "master", "origin/main", "origin/master"));
        for (String candidate : candidates) {
            if (git.run("rev-parse", "--verify", "--quiet", candidate + "^{commit}") != null) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * Whether the script's file is among the changed ones: the file itself, or, for a script read from the class
     * path (a build's output folder), a changed source file at the same path below a class-path root
     * ({@code src/main/resources/db/migration/V3__x.sql} for {@code classpath:db/migration} and {@code V3__x.sql}).
     */
    private static Optional<Path> touched(MigrationScript script, Set<Path> changed, List<String> roots) {
        Path file = Path.of(script.location());
        try {
            if (Files.isRegularFile(file) && changed.contains(file.toRealPath())) {
                return Optional.of(file.toRealPath());
            }
        } catch (IOException e) {
            return Optional.empty(); // not a file on disk: a history read from a jar is released by definition
        }
        // a Liquibase changeset is named file::id::author; its file is relative to the changelog's search path
        String name = script.name().contains("::") ? script.location() : script.name();
        List<String> resources = new ArrayList<>();
        for (String root : roots) {
            resources.add("/" + (root.isEmpty() ? "" : root + "/") + name.replace('\\', '/'));
        }
        if (script.name().contains("::")) {
            resources.add("/" + name.replace('\\', '/').replaceFirst("^/+", ""));
        }
        for (String resource : resources) {
            Optional<Path> hit = changed.stream().filter(p -> p.toString().replace('\\', '/').endsWith(resource)).findFirst();
            if (hit.isPresent()) {
                return hit;
            }
        }
        return Optional.empty();
    }

    /** What the merge base holds of a migration the change touched. */
    private enum Base { NEW, RELEASED, EDITED }

    /**
     * What the merge base holds of a Liquibase changeset ({@code file::id::author}) of a changed changelog file: a
     * changelog grows by changesets added to the same file, and only those are new; one that was there is released
     * as it was, or edited (XML and formatted SQL changelogs are compared changeset by changeset, where Liquibase's
     * checksum looks; in a YAML or JSON one, a changeset that was there counts as released). An edited changeset
     * Liquibase runs again when it changes ({@code runOnChange}, {@code runAlways}), or whose new checksum the
     * changelog accepts ({@code validCheckSum}), is not an edit production refuses.
     */
    private static Base changesetAtBase(MigrationScript script, Git git, String mergeBase, Path top, Path file) {
        String[] parts = script.name().replaceFirst(" \\(rollback\\)$", "").split("::");
        if (parts.length < 3) {
            return Base.NEW;
        }
        String id = parts[parts.length - 2];
        String author = parts[parts.length - 1];
        String before = git.run("show", mergeBase + ":" + top.relativize(file).toString().replace('\\', '/'));
        if (before == null) {
            return Base.NEW; // the file is new
        }
        Optional<ChangesetBlocks.Block> was = ChangesetBlocks.of(before, id, author);
        if (was.isPresent()) {
            Optional<ChangesetBlocks.Block> is;
            try {
                is = ChangesetBlocks.of(Files.readString(file), id, author);
            } catch (IOException e) {
                return Base.RELEASED; // it was there; what it is now cannot be read, and the run will say so
            }
            if (is.isEmpty() || is.get().checksummed().equals(was.get().checksummed())
                    || is.get().acceptsOtherChecksums()) {
                return Base.RELEASED; // unchanged where Liquibase's checksum looks, or its new checksum accepted
            }
            // Liquibase runs a runOnChange or runAlways changeset again when it changes: the edit is new
            return is.get().runsAgainWhenChanged() ? Base.NEW : Base.EDITED;
        }
        String value = "[\"']?\\s*[=:]\\s*[\"']?";
        String end = "(?![\\w.-])";
        boolean declared = Pattern.compile("\\bid" + value + Pattern.quote(id) + end).matcher(before).find()
                && Pattern.compile("\\bauthor" + value + Pattern.quote(author) + end).matcher(before).find();
        return declared ? Base.RELEASED : Base.NEW;
    }

    /** The class-path folders of a location ({@code db/migration} of {@code classpath:db/migration}). */
    private static List<String> classPathRoots(String location) {
        List<String> roots = new ArrayList<>();
        for (String part : location.split(",")) {
            String spec = part.strip();
            if (spec.startsWith("classpath:")) {
                roots.add(spec.substring("classpath:".length()).replaceAll("^/+|/+$", ""));
            }
        }
        return roots;
    }

    /** Git in a folder; a command that fails or is not there gives null. */
    private record Git(Path directory) {
        String run(String... arguments) {
            List<String> command = new ArrayList<>(List.of("git", "-C", directory.toString()));
            command.addAll(List.of(arguments));
            try {
                Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
                String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    return null;
                }
                return process.exitValue() == 0 ? out.strip() : null;
            } catch (IOException e) {
                return null; // no git on the PATH: the caller judges every migration and says why
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }
}
