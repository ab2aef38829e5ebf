package dev.rehearsal.snapshots.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.snapshots.SnapshotManifest;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.QuoteMode;
import org.apiguardian.api.API;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The data snapshot file: a ZIP archive (compressed, portable, readable by any unzip) holding one CSV entry per table
 * ({@code data/001.csv}, a header line, then the rows: NULL as an unquoted empty field, every other value quoted, as
 * PostgreSQL's CSV does it), {@code schema.sql} (the schema as normalised DDL) and {@code manifest.json}, written last
 * with the row counts, so that a file cut short has no manifest and is refused.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class SnapshotArchive {

    static final String MANIFEST = "manifest.json";
    static final String SCHEMA = "schema.sql";
    /** NULL is an unquoted empty field; an empty string is {@code ""}. */
    static final CSVFormat CSV = CSVFormat.Builder.create(CSVFormat.RFC4180).setNullString("")
            .setQuoteMode(QuoteMode.ALL_NON_NULL).setRecordSeparator('\n').get();
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private SnapshotArchive() {
    }

    /** Writes a snapshot archive entry by entry. */
    public static final class Writer implements Closeable {
        private final ZipOutputStream zip;

        public Writer(OutputStream out) {
            this.zip = new ZipOutputStream(out, StandardCharsets.UTF_8);
        }

        /** Starts a table's entry; print its rows, then {@link #endTable}. */
        public CSVPrinter table(String entry, List<String> columns) throws IOException {
            zip.putNextEntry(new ZipEntry(entry));
            java.io.Writer w = new OutputStreamWriter(new NonClosing(zip), StandardCharsets.UTF_8);
            CSVPrinter printer = new CSVPrinter(new BufferedWriter(w, 1 << 16), CSV);
            printer.printRecord(columns);
            return printer;
        }

        public void endTable(CSVPrinter printer) throws IOException {
            printer.flush();
            zip.closeEntry();
        }

        public void schema(String ddl) throws IOException {
            zip.putNextEntry(new ZipEntry(SCHEMA));
            zip.write(ddl.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }

        public void manifest(SnapshotManifest manifest) throws IOException {
            zip.putNextEntry(new ZipEntry(MANIFEST));
            zip.write(JSON.writeValueAsBytes(manifest));
            zip.closeEntry();
        }

        @Override
        public void close() throws IOException {
            zip.close();
        }
    }

    /** Reads a snapshot archive. */
    public static final class Reader implements Closeable {
        private final Path file;
        private final ZipFile zip;
        private final SnapshotManifest manifest;

        /**
         * @throws RehearsalException naming the file when it is not a snapshot, was cut short, or is of a newer format
         */
        public Reader(Path file, String describe, int newestFormat) {
            this.file = file;
            try {
                this.zip = new ZipFile(file.toFile(), StandardCharsets.UTF_8);
            } catch (ZipException e) {
                throw new RehearsalException("The data snapshot " + describe + " is not a readable snapshot file (" + e.getMessage()
                        + "): it was cut short while copying or is not a Rehearsal snapshot. Capture it again.", e);
            } catch (IOException e) {
                throw new RehearsalException("Could not open the data snapshot " + describe + ": " + e, e);
            }
            try {
                ZipEntry entry = zip.getEntry(MANIFEST);
                if (entry == null) {
                    throw new RehearsalException("The data snapshot " + describe + " has no " + MANIFEST + ": its capture did not"
                            + " finish, or it is not a Rehearsal snapshot. Capture it again.");
                }
                try (InputStream in = zip.getInputStream(entry)) {
                    JsonNode node = JSON.readTree(in);
                    int format = node.path("format").asInt(-1);
                    if (format > newestFormat) {
                        throw new RehearsalException("The data snapshot " + describe + " was written in format " + format
                                + " by a newer Rehearsal; this one reads format " + newestFormat + " and older. Upgrade"
                                + " Rehearsal.");
                    }
                    this.manifest = JSON.treeToValue(node, SnapshotManifest.class);
                }
            } catch (IOException e) {
                close();
                throw new RehearsalException("The data snapshot " + describe + " cannot be read: " + e.getMessage()
                        + ". Capture it again.", e);
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        public SnapshotManifest manifest() {
            return manifest;
        }

        /** A table's entry as it is: CSV with a header line. */
        public InputStream raw(SnapshotManifest.Table table) throws IOException {
            ZipEntry entry = zip.getEntry(table.entry());
            if (entry == null) {
                throw new IOException("the entry " + table.entry() + " of " + table.name() + " is missing");
            }
            return zip.getInputStream(entry);
        }

        /** The rows of a table's entry, after its header line; NULL as null. */
        public Rows rows(SnapshotManifest.Table table) throws IOException {
            ZipEntry entry = zip.getEntry(table.entry());
            if (entry == null) {
                throw new IOException("the entry " + table.entry() + " of " + table.name() + " is missing");
            }
            CSVParser parser = CSVParser.builder().setReader(new InputStreamReader(zip.getInputStream(entry),
                    StandardCharsets.UTF_8)).setFormat(CSV).get();
            Iterator<CSVRecord> it = parser.iterator();
            if (!it.hasNext()) {
                parser.close();
                throw new IOException("the entry " + table.entry() + " of " + table.name() + " is empty");
            }
            it.next();
            return new Rows(parser, it);
        }

        public Path file() {
            return file;
        }

        @Override
        public void close() {
            try {
                zip.close();
            } catch (IOException ignored) {
                // closing a file we only read; nothing to lose
            }
        }
    }

    /** One table's rows as read. */
    public record Rows(CSVParser parser, Iterator<CSVRecord> records) implements Closeable {
        @Override
        public void close() throws IOException {
            parser.close();
        }
    }

    /** Keeps the CSV printer from closing the whole archive when a table ends. */
    private static final class NonClosing extends FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
