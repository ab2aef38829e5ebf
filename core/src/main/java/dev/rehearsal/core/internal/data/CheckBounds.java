package dev.rehearsal.core.internal.data;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/** Bounds merged from the parsed CHECK rules of one column. */
final class CheckBounds {
    List<String> allowed;
    BigDecimal min;
    boolean minInclusive;
    BigDecimal max;
    boolean maxInclusive;
    Integer minLength;
    Integer maxLength;
    String regex;
    boolean octets;

    static CheckBounds of(List<CheckConstraints.ColumnRule> rules) {
        CheckBounds b = new CheckBounds();
        for (CheckConstraints.ColumnRule r : rules) {
            if (r.allowed() != null) {
                b.allowed = b.allowed == null ? r.allowed() : b.allowed.stream().filter(r.allowed()::contains).toList();
            }
            if (r.min() != null && (b.min == null || r.min().compareTo(b.min) > 0)) {
                b.min = r.min();
                b.minInclusive = r.minInclusive();
            }
            if (r.max() != null && (b.max == null || r.max().compareTo(b.max) < 0)) {
                b.max = r.max();
                b.maxInclusive = r.maxInclusive();
            }
            if (r.minLength() != null) {
                b.minLength = b.minLength == null ? r.minLength() : Math.max(b.minLength, r.minLength());
            }
            if (r.maxLength() != null) {
                b.maxLength = b.maxLength == null ? r.maxLength() : Math.min(b.maxLength, r.maxLength());
            }
            b.octets |= r.octets();
            if (r.regex() != null) {
                b.regex = r.regex();
            }
        }
        if (b.allowed != null && b.allowed.isEmpty()) {
            b.allowed = null;
        }
        return b;
    }

    long minLong(long fallback) {
        if (min == null) {
            return fallback;
        }
        BigDecimal v = minInclusive ? min.setScale(0, RoundingMode.CEILING) : min.setScale(0, RoundingMode.FLOOR).add(BigDecimal.ONE);
        return v.longValue();
    }

    long maxLong(long fallback) {
        if (max == null) {
            return fallback;
        }
        BigDecimal v = maxInclusive ? max.setScale(0, RoundingMode.FLOOR) : max.setScale(0, RoundingMode.CEILING).subtract(BigDecimal.ONE);
        return v.longValue();
    }
}
