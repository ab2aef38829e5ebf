package dev.rehearsal.core.db;

import org.apiguardian.api.API;

/**
 * One statement cut from a script, with the 1-based line where it starts, so failures can point at it. A
 * {@code COPY ... FROM stdin} statement carries the data block that followed it in the script.
 *
 * @param sql      the statement, without its terminator
 * @param line     the line of its first token
 * @param copyData the inline data of a {@code COPY ... FROM stdin}, without the closing {@code \.}; else null
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public record SqlStatement(String sql, int line, String copyData) {

    /** A statement with no inline data. */
    public SqlStatement(String sql, int line) {
        this(sql, line, null);
    }

    @Override
    public String toString() {
        return "line " + line + ": " + sql;
    }
}
