package dev.rehearsal.core.internal.data;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/** The values of a generated row at a unique key's columns, compared as the database compares them. */
final class RowKeys {

    private RowKeys() {
    }

    /** The values of {@code row} at the key's columns, normalized; null when one of them is NULL. */
    static List<Object> tuple(Object[] row, int[] key) {
        List<Object> t = new ArrayList<>(key.length);
        for (int i : key) {
            if (row[i] == null) {
                return null;
            }
            t.add(row[i]);
        }
        return normalize(t);
    }

    static boolean contains(int[] array, int value) {
        for (int v : array) {
            if (v == value) {
                return true;
            }
        }
        return false;
    }

    /** Values as keys: numbers of any Java type compare by value. */
    static List<Object> normalize(List<Object> values) {
        List<Object> out = new ArrayList<>(values.size());
        for (Object v : values) {
            if (v instanceof BigDecimal || v instanceof Long || v instanceof Integer || v instanceof Short
                    || v instanceof BigInteger) {
                out.add(new BigDecimal(v.toString()).stripTrailingZeros());
            } else {
                out.add(v == null ? null : v.toString());
            }
        }
        return out;
    }
}
