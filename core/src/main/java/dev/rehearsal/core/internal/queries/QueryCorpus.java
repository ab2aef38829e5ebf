package dev.rehearsal.core.internal.queries;

import dev.rehearsal.core.db.SqlStatement;
import dev.rehearsal.core.model.RehearsalException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apiguardian.api.API;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The running application's queries, read from the files a team has: a {@code pg_stat_statements} export (CSV with a
 * {@code query} column), MariaDB's {@code events_statements_summary_by_digest} export (CSV with {@code DIGEST_TEXT}),
 * or SQL statements separated by semicolons as psql reads them (what {@code QueryRecorder} writes). The same text
 * read twice is one query. Lines that are not a query the check can judge are kept with their file and line, never
 * dropped: text that is not SQL, and statements that neither read nor write rows (BEGIN, SET, DDL).
 *
 * @param queries    the queries, each once, in the order first read
 * @param unreadable {@code file:line: why} for every line not judged
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public record QueryCorpus(List<CorpusQuery> queries, List<String> unreadable) {

    /**
     * A query of the corpus: its text as read (on one line), where it was read, how JDBC runs it, the words of its
     * text (lower case, unquoted), which name the tables it uses, and how often the application sent it (the export's
     * call count; 0 where the file does not say).
     */
    public record CorpusQuery(String sql, String origin, QueryText text, Set<String> words, long calls) {

        public CorpusQuery {
            words = Set.copyOf(words);
        }

        CorpusQuery(String sql, String origin, QueryText text, long calls) {
            this(sql, origin, text, new HashSet<>(List.of(sql.toLowerCase(Locale.ROOT)
                    .replaceAll("[\"`]", "").split("[^\\p{L}\\p{N}_$]+"))), calls);
        }

        CorpusQuery(String sql, String origin, QueryText text) {
            this(sql, origin, text, 0);
        }

        /** Whether the query reads {@code *} (its columns are then the table's), other than in {@code count(*)}. */
        public boolean star() {
            return text.jdbc().replaceAll("(?i)count\\s*\\(\\s*\\*\\s*\\)", "").contains("*");
        }

        /** A corpus holds each text once: the text as JDBC runs it is the query's identity (and a cheap hash). */
        @Override
        public boolean equals(Object other) {
            return other instanceof CorpusQuery q && q.text.jdbc().equals(text.jdbc());
        }

        @Override
        public int hashCode() {
            return text.jdbc().hashCode();
        }

        /** The text for a message: on one line, at most 160 characters. */
        public String shown() {
            return sql.length() <= 160 ? sql : sql.substring(0, 157) + "...";
        }
    }

    public static final QueryCorpus EMPTY = new QueryCorpus(List.of(), List.of());

    private static final Set<String> SQL_WORDS = Set.of("SELECT", "WITH", "VALUES", "TABLE", "SHOW", "INSERT",
            "REPLACE", "UPDATE", "DELETE", "BEGIN", "START", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "SET",
            "RESET", "CREATE", "ALTER", "DROP", "TRUNCATE", "GRANT", "REVOKE", "COPY", "EXPLAIN", "ANALYZE", "VACUUM",
            "LOCK", "DECLARE", "FETCH", "CLOSE", "PREPARE", "EXECUTE", "DEALLOCATE", "DISCARD", "LISTEN", "NOTIFY",
            "UNLISTEN", "CALL", "DO", "COMMENT", "USE", "DESCRIBE", "DESC", "CHECKPOINT", "REFRESH", "REINDEX", "CLUSTER",
            "MERGE", "END", "ABORT", "XA", "FLUSH", "KILL", "OPTIMIZE", "LOAD", "HANDLER", "RENAME");

    private static final Pattern INSERT_ROW = Pattern.compile("(?i)^\\s*(?:insert|replace)\\s+(?:into\\s+)?[^(]+\\(([^()]*)\\)\\s*values\\s*(\\(\\.\\.\\.\\))");

    public QueryCorpus {
        queries = List.copyOf(queries);
        unreadable = List.copyOf(unreadable);
    }

    public boolean isEmpty() {
        return queries.isEmpty();
    }

    /**
     * The queries of {@code files}, a file with a {@code .csv} or {@code .tsv} name read as a statistics export, any
     * other as SQL split by {@code splitter} (the engine's, as its client splits a script).
     *
     * @throws RehearsalException when a file cannot be read at all
     */
    public static QueryCorpus read(List<Path> files, Function<String, List<SqlStatement>> splitter) {
        Map<String, CorpusQuery> queries = new LinkedHashMap<>();
        List<String> unreadable = new ArrayList<>();
        for (Path file : files) {
            String text;
            try {
                text = Files.readString(file);
            } catch (IOException e) {
                throw new RehearsalException("Could not read the query corpus " + file + " (rehearsal.queries.file, "
                        + "--queries): " + e.getMessage() + ". Give a pg_stat_statements CSV export or a file of SQL "
                        + "statements.", e);
            }
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            List<String[]> statements = name.endsWith(".csv") || name.endsWith(".tsv")
                    ? statistics(file, text, unreadable) : script(file, text, splitter);
            for (String[] s : statements) {
                add(queries, unreadable, s[0], s[1], s.length > 2 ? calls(s[2]) : 0);
            }
        }
        return new QueryCorpus(new ArrayList<>(queries.values()), unreadable);
    }

    private static long calls(String count) {
        try {
            return count == null || count.isBlank() ? 0 : Math.max(0, Long.parseLong(count.strip()));
        } catch (NumberFormatException e) {
            return 0; // a count that is no number only loses its weight in the traffic's mix
        }
    }

    private static void add(Map<String, CorpusQuery> queries, List<String> unreadable, String sql, String origin,
                            long calls) {
        String oneLine = sql.strip().replaceAll("\\s+", " ");
        if (oneLine.endsWith(";")) {
            oneLine = oneLine.substring(0, oneLine.length() - 1).stripTrailing();
        }
        if (oneLine.isEmpty()) {
            return;
        }
        String first = QueryText.firstWord(oneLine).orElse("");
        if (!SQL_WORDS.contains(first)) {
            unreadable.add(origin + ": not SQL: " + shorten(oneLine));
            return;
        }
        QueryText text = QueryText.of(expandValueLists(oneLine));
        if (text.kind() == QueryText.Kind.OTHER) {
            unreadable.add(origin + ": neither reads nor writes rows (" + first + "), not checked: " + shorten(oneLine));
            return;
        }
        // an export lists a statement once per database user: its calls add up, its first place names it
        queries.merge(text.jdbc(), new CorpusQuery(oneLine, origin, text, calls),
                (known, again) -> new CorpusQuery(known.sql(), known.origin(), known.text(), known.words(),
                        known.calls() + again.calls()));
    }

    /**
     * MariaDB's digests write a list of values as {@code (...)}: a row of an INSERT with a column list becomes one
     * parameter per column, any other list (an IN list) one parameter.
     */
    private static String expandValueLists(String sql) {
        Matcher rows = INSERT_ROW.matcher(sql);
        StringBuilder out = new StringBuilder();
        while (rows.find()) {
            int columns = rows.group(1).split(",").length;
            rows.appendReplacement(out, Matcher.quoteReplacement(rows.group(0).substring(0, rows.start(2) - rows.start())
                    + "(" + String.join(", ", Collections.nCopies(columns, "?")) + ")"));
        }
        rows.appendTail(out);
        return out.toString().replace("(...)", "(?)");
    }

    private static List<String[]> script(Path file, String text, Function<String, List<SqlStatement>> splitter) {
        List<String[]> statements = new ArrayList<>();
        for (SqlStatement s : splitter.apply(text)) {
            statements.add(new String[] {s.sql(), file + ":" + s.line()});
        }
        return statements;
    }

    private static List<String[]> statistics(Path file, String text, List<String> unreadable) {
        String header = text.lines().findFirst().orElse("");
        char separator = header.contains("\t") ? '\t' : ',';
        CSVFormat format = CSVFormat.Builder.create(CSVFormat.RFC4180).setDelimiter(separator).setHeader()
                .setSkipHeaderRecord(true).setIgnoreEmptyLines(true).get();
        List<String[]> statements = new ArrayList<>();
        try (CSVParser rows = CSVParser.parse(text, format)) {
            String column = rows.getHeaderNames().stream()
                    .filter(h -> Set.of("query", "digest_text").contains(h.strip().toLowerCase(Locale.ROOT)))
                    .findFirst().orElse(null);
            if (column == null) {
                unreadable.add(file + ":1: a statistics export needs a query column (pg_stat_statements) or DIGEST_TEXT"
                        + " (MariaDB's performance_schema); its columns are " + rows.getHeaderNames()
                        + ": export it with the command in docs/running-application.md");
                return statements;
            }
            // pg_stat_statements' calls, MariaDB's COUNT_STAR: the mix the traffic plays
            String calls = rows.getHeaderNames().stream()
                    .filter(h -> Set.of("calls", "count_star").contains(h.strip().toLowerCase(Locale.ROOT)))
                    .findFirst().orElse(null);
            long ended = 1; // the header's line; a record's own text may run over several lines
            for (CSVRecord row : rows) {
                String where = file + ":" + (ended + 1);
                ended = rows.getCurrentLineNumber();
                String sql = row.isSet(column) ? row.get(column) : null;
                if (sql == null || sql.isBlank()) {
                    unreadable.add(where + ": no query in the " + column + " column");
                } else {
                    statements.add(new String[] {sql, where, calls != null && row.isSet(calls) ? row.get(calls) : null});
                }
            }
        } catch (IOException | RuntimeException e) {
            unreadable.add(file + ": not CSV with a header line (" + e.getMessage() + "): export it with the command in "
                    + "docs/running-application.md");
        }
        return statements;
    }

    private static String shorten(String sql) {
        return sql.length() <= 80 ? sql : sql.substring(0, 77) + "...";
    }
}
