package dev.rehearsal.core.locks;

import org.apiguardian.api.API;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Table-level lock modes, as PostgreSQL names them, with its conflict matrix: which modes each one blocks, and so
 * whether it blocks an application's reads ({@code SELECT}: ACCESS SHARE), writes ({@code INSERT/UPDATE/DELETE}:
 * ROW EXCLUSIVE) or both. Other engines map their lock kinds onto the nearest mode (MariaDB's metadata locks:
 * SHARED_READ as ACCESS SHARE, SHARED_WRITE as ROW EXCLUSIVE, SHARED_NO_WRITE as SHARE, EXCLUSIVE as ACCESS
 * EXCLUSIVE).
 */
@API(status = API.Status.STABLE, since = "0.1")
public enum LockMode {
    ACCESS_SHARE, ROW_SHARE, ROW_EXCLUSIVE, SHARE_UPDATE_EXCLUSIVE, SHARE, SHARE_ROW_EXCLUSIVE, EXCLUSIVE,
    ACCESS_EXCLUSIVE;

    /** The modes this one conflicts with (PostgreSQL's table 13.2). */
    public Set<LockMode> conflicts() {
        return switch (this) {
            case ACCESS_SHARE -> EnumSet.of(ACCESS_EXCLUSIVE);
            case ROW_SHARE -> EnumSet.of(EXCLUSIVE, ACCESS_EXCLUSIVE);
            case ROW_EXCLUSIVE -> EnumSet.of(SHARE, SHARE_ROW_EXCLUSIVE, EXCLUSIVE, ACCESS_EXCLUSIVE);
            case SHARE_UPDATE_EXCLUSIVE -> EnumSet.of(SHARE_UPDATE_EXCLUSIVE, SHARE, SHARE_ROW_EXCLUSIVE, EXCLUSIVE,
                    ACCESS_EXCLUSIVE);
            case SHARE -> EnumSet.of(ROW_EXCLUSIVE, SHARE_UPDATE_EXCLUSIVE, SHARE_ROW_EXCLUSIVE, EXCLUSIVE, ACCESS_EXCLUSIVE);
            case SHARE_ROW_EXCLUSIVE -> EnumSet.of(ROW_EXCLUSIVE, SHARE_UPDATE_EXCLUSIVE, SHARE, SHARE_ROW_EXCLUSIVE,
                    EXCLUSIVE, ACCESS_EXCLUSIVE);
            case EXCLUSIVE -> EnumSet.of(ROW_SHARE, ROW_EXCLUSIVE, SHARE_UPDATE_EXCLUSIVE, SHARE, SHARE_ROW_EXCLUSIVE,
                    EXCLUSIVE, ACCESS_EXCLUSIVE);
            case ACCESS_EXCLUSIVE -> EnumSet.allOf(LockMode.class);
        };
    }

    /** Whether this mode conflicts with {@code other}. */
    public boolean conflictsWith(LockMode other) {
        return conflicts().contains(other);
    }

    /** Whether holding this mode blocks plain reads ({@code SELECT}). */
    public boolean blocksReads() {
        return conflictsWith(ACCESS_SHARE);
    }

    /** Whether holding this mode blocks writes ({@code INSERT}, {@code UPDATE}, {@code DELETE}). */
    public boolean blocksWrites() {
        return conflictsWith(ROW_EXCLUSIVE);
    }

    /** What an application feels while this mode is held: {@code reads and writes}, {@code writes}, or {@code nothing}. */
    public String blocks() {
        return blocksReads() ? "reads and writes" : blocksWrites() ? "writes" : "nothing an application does";
    }

    /** PostgreSQL's name for the mode in {@code pg_locks} ({@code AccessExclusiveLock}). */
    public String pgName() {
        StringBuilder sb = new StringBuilder();
        for (String part : name().split("_")) {
            sb.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
        }
        return sb.append("Lock").toString();
    }

    /** The mode for a {@code pg_locks.mode} value. */
    public static LockMode fromPgName(String mode) {
        LockMode m = BY_PG_NAME.get(mode);
        if (m == null) {
            throw new IllegalArgumentException("Unknown lock mode " + mode);
        }
        return m;
    }

    /** The modes by {@link #pgName()}: the lock tracer looks one up for every lock it reads, after every statement. */
    private static final Map<String, LockMode> BY_PG_NAME = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(LockMode::pgName, m -> m));

    /** {@code ACCESS EXCLUSIVE}. */
    @Override
    public String toString() {
        return name().replace('_', ' ');
    }
}
