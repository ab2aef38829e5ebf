package dev.rehearsal.core.db;

/**
 * One statement cut from a script, with the 1-based line where it starts, so failures can point at it.
 */
public record SqlStatement(String sql, int line) {
    @Override
    public String toString() {
        return "line " + line + ": " + sql;
    }
}
