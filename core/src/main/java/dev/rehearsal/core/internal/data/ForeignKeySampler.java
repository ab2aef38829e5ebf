package dev.rehearsal.core.internal.data;

import java.util.List;
import java.util.Optional;
import java.util.Random;

/** Picks parent keys for one foreign key: at random, or each at most once for a one-to-one key. */
final class ForeignKeySampler {
    final int[] columns;
    final List<List<Object>> parents;
    final boolean oneToOne;
    final double nulls;
    int next;

    ForeignKeySampler(int[] columns, List<List<Object>> parents, boolean oneToOne, double nulls) {
        this.columns = columns;
        this.parents = parents;
        this.oneToOne = oneToOne;
        this.nulls = nulls;
    }

    /** A parent tuple, empty for NULL, or null when a one-to-one key has used every parent. */
    Optional<List<Object>> next(Random random) {
        if (parents.isEmpty() || (nulls > 0 && random.nextDouble() < nulls)) {
            return Optional.empty();
        }
        if (oneToOne) {
            return next < parents.size() ? Optional.of(parents.get(next++)) : null;
        }
        return Optional.of(parents.get(random.nextInt(parents.size())));
    }
}
