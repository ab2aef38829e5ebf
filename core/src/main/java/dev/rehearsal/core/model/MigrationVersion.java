package dev.rehearsal.core.model;

import org.apiguardian.api.API;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A migration version such as {@code 3}, {@code 1.2} or {@code 2024.01.05.1200}, compared part by part as
 * numbers, so that {@code 10} comes after {@code 9} and {@code 1.0} equals {@code 1} (as Flyway compares them).
 * Underscores are read as dots, as in Flyway file names ({@code V1_2__x.sql} is version {@code 1.2}).
 */
@API(status = API.Status.STABLE, since = "0.1")
public final class MigrationVersion implements Comparable<MigrationVersion> {

    private final List<BigInteger> parts;
    private final String text;

    private MigrationVersion(List<BigInteger> parts, String text) {
        this.parts = List.copyOf(parts);
        this.text = text;
    }

    /**
     * Parses a version.
     *
     * @throws IllegalArgumentException naming the text when it is not dot- or underscore-separated numbers
     */
    public static MigrationVersion parse(String text) {
        Objects.requireNonNull(text, "version");
        String normalized = text.trim().replace('_', '.');
        if (normalized.isEmpty()) {
            throw new IllegalArgumentException("empty migration version");
        }
        List<BigInteger> parts = new ArrayList<>();
        for (String part : normalized.split("\\.", -1)) {
            if (part.isEmpty() || !part.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("'" + text + "' is not a migration version:"
                        + " use numbers separated by dots or underscores, such as 3, 1.2 or 2024_01_05");
            }
            parts.add(new BigInteger(part));
        }
        return new MigrationVersion(parts, normalized);
    }

    /** The version as written, with underscores shown as dots. */
    @Override
    public String toString() {
        return text;
    }

    @Override
    public int compareTo(MigrationVersion other) {
        int n = Math.max(parts.size(), other.parts.size());
        for (int i = 0; i < n; i++) {
            BigInteger a = i < parts.size() ? parts.get(i) : BigInteger.ZERO;
            BigInteger b = i < other.parts.size() ? other.parts.get(i) : BigInteger.ZERO;
            int c = a.compareTo(b);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MigrationVersion v && compareTo(v) == 0;
    }

    @Override
    public int hashCode() {
        int end = parts.size();
        while (end > 1 && parts.get(end - 1).signum() == 0) {
            end--;
        }
        return parts.subList(0, end).hashCode();
    }
}
