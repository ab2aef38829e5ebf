package dev.rehearsal.core;

import org.apiguardian.api.API;

import java.util.List;

/**
 * One part of a history's round trips, so that CI machines can share a long history: shard {@code index} of
 * {@code count} rehearses one contiguous run of the migrations, the parts balanced by migration count. The shard
 * reaches its first migration's previous version with ups only; the repeatable migrations go with the last shard.
 * Together the shards rehearse every migration exactly once, and their reports add up to one unsharded run's.
 *
 * @param index 1-based, at most {@code count}
 * @param count how many shards the history is cut into
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record Shard(int index, int count) {

    /** The whole history: one shard of one. */
    public static final Shard ALL = new Shard(1, 1);

    public Shard {
        if (count < 1 || index < 1 || index > count) {
            throw new IllegalArgumentException("shard " + index + "/" + count + " does not exist: give index/count with"
                    + " 1 <= index <= count, such as 2/4");
        }
    }

    /** {@code 2/4}: the second of four shards. */
    public static Shard parse(String text) {
        String[] parts = text.trim().split("\\s*/\\s*");
        try {
            if (parts.length == 2) {
                return new Shard(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new IllegalArgumentException("\"" + text + "\" is not a shard: give index/count, such as 2/4");
    }

    /** Whether this is the last shard (the one that also applies the repeatable migrations). */
    public boolean last() {
        return index == count;
    }

    /** This shard's contiguous part of {@code items}: sizes differ by one at most, earlier shards take the smaller. */
    public <T> List<T> of(List<T> items) {
        int from = (int) ((long) items.size() * (index - 1) / count);
        int to = (int) ((long) items.size() * index / count);
        return items.subList(from, to);
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
