package dev.rehearsal.core.model;

import org.apiguardian.api.API;

import java.util.Collection;
import java.util.Optional;

/** The known name nearest to a misspelt one by edit distance, for messages that say "did you mean". */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class ClosestName {

    private ClosestName() {
    }

    /** The candidate nearest to {@code name}, when one is near enough to be what was meant. */
    public static Optional<String> among(String name, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = distance(name, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return bestDistance <= Math.max(3, name.length() / 4) ? Optional.ofNullable(best) : Optional.empty();
    }

    /** Levenshtein distance; names are short, so the quadratic table is fine. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
