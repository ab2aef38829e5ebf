package dev.rehearsal.core.estimate;

import org.apiguardian.api.API;

/**
 * How a statement's duration grows with the rows of the tables it works on, as fitted from rehearsals at several
 * sizes: {@code time = a + b * f(rows)}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public enum CostModel {
    /** Does not depend on rows: catalog-only changes ({@code ADD COLUMN} without a rewrite, renames, comments). */
    CONSTANT("constant"),
    /** Proportional to rows: table scans, rewrites, backfills, constraint validation. */
    LINEAR("linear"),
    /** Rows times their logarithm: sorts, such as B-tree index builds. */
    N_LOG_N("n log n");

    private final String label;

    CostModel(String label) {
        this.label = label;
    }

    /** {@code f(rows)} of the model. */
    public double f(double rows) {
        return switch (this) {
            case CONSTANT -> 0;
            case LINEAR -> rows;
            case N_LOG_N -> rows * Math.log(Math.max(rows, 2)) / Math.log(2);
        };
    }

    @Override
    public String toString() {
        return label;
    }
}
