package dev.rehearsal.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The speed page's second part, from the same {@code benchmarks.json}: where a phase's time goes by component in the
 * profiled histories, beside the peer's whole phase, and where the command line's start goes, beside a plain JDBC
 * program's. Every figure comes from the run; a history or milestone the run did not profile is left out.
 */
final class WhereTheTimeGoes {

    /**
     * A profiled history: its column's title, the figures' prefix, its run's and its peer's totals, and the peer's
     * with a new client and session for each step where it was measured (else null).
     */
    private record Profile(String title, String prefix, String rehearsalMs, String peerMs, String freshPeerMs,
                           int phases) {
    }

    private static final List<Profile> PROFILES = List.of(
            new Profile("300 SQL migrations, one part", "long_history_embedded_per_phase_ms_",
                    "long_history_embedded_one_part_rehearsal_ms", "long_history_embedded_plain_jdbc_ms", null, 900),
            new Profile("100 Alembic revisions, parallel parts", "alembic_100_per_phase_ms_", "alembic_100_rehearsal_ms",
                    "alembic_100_loop_ms", "alembic_100_fresh_loop_ms", 300),
            new Profile("165 Liquibase changesets", "liquibase_165_per_phase_ms_", "liquibase_165_fast_path_ms",
                    "liquibase_165_update_testing_rollback_ms", null, 495));

    /** The command line's start: each milestone's figure, for the command line and for the plain JDBC program. */
    private static final Map<String, String> MILESTONES = new LinkedHashMap<>();

    static {
        MILESTONES.put("jvm", "the JVM loads its first class (the launcher script and the JVM's own start)");
        MILESTONES.put("main", "the program's main class");
        MILESTONES.put("connect", "its first connection begins");
        MILESTONES.put("first_up", "the first migration's up");
        MILESTONES.put("exit", "the process has ended");
    }

    private WhereTheTimeGoes() {
    }

    static String render(JsonNode f) {
        StringBuilder md = new StringBuilder();
        List<Profile> profiled = PROFILES.stream().filter(p -> f.has(p.rehearsalMs()) && f.has(p.peerMs())
                && fieldsStartingWith(f, p.prefix()).hasNext()).toList();
        if (!profiled.isEmpty()) {
            md.append("## Where a phase's time goes\n\n");
            md.append("Milliseconds per phase (an up, a down or the second up) on the embedded server, by component"
                    + " (`dev.rehearsal.Component` events): each component's total over one recorded run of the"
                    + " history, its start included, divided by the run's phases. The recording slows the run a"
                    + " little, the start's work is spread over the phases, and where a history runs in parallel"
                    + " parts, the parts' components add up over both cores; so the components are not meant to sum"
                    + " to the whole phase. A component \"in\" another"
                    + " is part of it. The whole phase is the median run's time over its phases; the peer's, the"
                    + " peer's whole run over the same phases, the same work without any check.\n\n");
            md.append("| component |");
            profiled.forEach(p -> md.append(' ').append(p.title()).append(" |"));
            md.append("\n|---|").append("---|".repeat(profiled.size())).append('\n');
            TreeSet<String> components = new TreeSet<>();
            profiled.forEach(p -> fieldsStartingWith(f, p.prefix()).forEachRemaining(
                    name -> components.add(name.substring(p.prefix().length()))));
            for (String component : components) {
                md.append("| ").append(labelled(component)).append(" |");
                profiled.forEach(p -> md.append(' ').append(f.has(p.prefix() + component)
                        ? String.format(Locale.ROOT, "%.2f", f.get(p.prefix() + component).asDouble()) : "-")
                        .append(" |"));
                md.append('\n');
            }
            md.append("| **Rehearsal's whole phase** |");
            profiled.forEach(p -> md.append(String.format(Locale.ROOT, " **%.2f** |", wholePhase(f, p))));
            md.append("\n| the peer's whole phase |");
            profiled.forEach(p -> md.append(String.format(Locale.ROOT, " %.2f |",
                    f.get(p.peerMs()).asDouble() / p.phases())));
            if (profiled.stream().anyMatch(p -> p.freshPeerMs() != null && f.has(p.freshPeerMs()))) {
                md.append("\n| the peer's whole phase, a new client and session for each step |");
                profiled.forEach(p -> md.append(p.freshPeerMs() != null && f.has(p.freshPeerMs())
                        ? String.format(Locale.ROOT, " %.2f |", f.get(p.freshPeerMs()).asDouble() / p.phases())
                        : " - |"));
            }
            md.append("\n\n");
        }
        if (f.has("cli_only_new_base_ms") && f.has("psql_ups_300_ms") && f.has("cli_only_new_ms")
                && f.has("psql_history_300_ms")) {
            md.append("## Where a pull request's run goes\n\n");
            md.append("The command line with `--only-new` on the machine's server, one migration added to the"
                    + " generated 300 (medians of the same rounds as its row).\n\n");
            md.append("| run | ms |\n|---|---|\n");
            md.append("| the command line with `--only-new`, from process start | ").append(f.get("cli_only_new_ms")
                    .asLong()).append(" |\n");
            md.append("| of which its base: the 300 released migrations' ups, the tool's own way, without checks | ")
                    .append(f.get("cli_only_new_base_ms").asLong()).append(" |\n");
            md.append("| psql applying the same 300 ups, from process start (its connections, the database's creation"
                    + " and drop included) | ")
                    .append(f.get("psql_ups_300_ms").asLong()).append(" |\n");
            md.append("| psql: up, down and up of every migration in one session, the row's baseline | ")
                    .append(f.get("psql_history_300_ms").asLong()).append(" |\n");
            if (f.has("cli_only_new_kept_ms") && f.has("cli_only_new_kept_copy_ms")) {
                md.append("| the same with `--keep-base`, copying the base an earlier run kept | ")
                        .append(f.get("cli_only_new_kept_ms").asLong()).append(" |\n");
                md.append("| of which its base: the copy of the kept base, with the swap to it | ")
                        .append(f.get("cli_only_new_kept_copy_ms").asLong()).append(" |\n");
            }
            if (f.has("base_template_copy_ms") && f.has("empty_database_ms")) {
                md.append("| a new database copied from a template holding the released schema (a cached base) | ")
                        .append(f.get("base_template_copy_ms").asLong()).append(" |\n");
                md.append("| a new empty database, as a run makes one | ").append(f.get("empty_database_ms").asLong())
                        .append(" |\n");
            }
            md.append('\n');
        }
        if (f.has("cli_start_at_first_up_ms") && f.has("plain_jdbc_start_at_exit_ms")) {
            md.append("## Where the command line's start goes\n\n");
            md.append("Milliseconds from process start, on the machine's server, read off the JVM's class-loading log"
                    + " (medians of the same rounds as the start-up row; the plain program's logged runs are extra"
                    + " runs beside those the ratio uses).\n\n");
            md.append("| reached when | command line | plain JDBC program |\n|---|---|---|\n");
            MILESTONES.forEach((milestone, what) -> {
                String cli = "cli_start_at_" + milestone + "_ms";
                String plain = "plain_jdbc_start_at_" + milestone + "_ms";
                if (f.has(cli) || f.has(plain)) {
                    md.append("| ").append(what).append(" | ").append(f.has(cli) ? f.get(cli).asLong() : "-")
                            .append(" | ").append(f.has(plain) ? f.get(plain).asLong() : "-").append(" |\n");
                }
            });
            md.append('\n');
        }
        return md.toString();
    }

    private static double wholePhase(JsonNode f, Profile p) {
        return f.get(p.rehearsalMs()).asDouble() / p.phases();
    }

    /**
     * A component's name, with where it runs where its name does not say: Liquibase's steps run in {@code tool}, its
     * database set-up in each step and once at the start; the Alembic helper's runs of env.py are its phases (in
     * {@code tool}) and its catch-ups, and its statements, guard and trace run inside those.
     */
    static String labelled(String component) {
        if (component.endsWith("-step")) {
            return component + " (in tool)";
        }
        return switch (component) {
            case "liquibase.connect" -> component + " (Liquibase's database on a step's session: in tool, and at the start)";
            case "liquibase.read" -> component + " (the changelog read, at the start)";
            case "liquibase.apply" -> component + " (an update through Liquibase's commands: the first up, in tool)";
            case "alembic.env" -> component + " (the helper's runs of env.py: in tool, and in prepare, the parts' catch-ups"
                    + " and the start)";
            case "alembic.guard", "alembic.statements", "alembic.trace" -> component + " (in alembic.env)";
            default -> component;
        };
    }

    private static Iterator<String> fieldsStartingWith(JsonNode f, String prefix) {
        List<String> names = new ArrayList<>();
        f.fieldNames().forEachRemaining(name -> {
            if (name.startsWith(prefix)) {
                names.add(name);
            }
        });
        return names.iterator();
    }
}
