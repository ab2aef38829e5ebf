package dev.rehearsal.snapshots;

import org.apiguardian.api.API;

import java.util.Map;

/**
 * When golden files are written, as snapshot-testing tools (Jest, selfie) do it: locally a missing file is written and
 * a differing one fails; in update mode a differing one is rewritten; on CI nothing is ever written, so a missing
 * file fails too.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public enum GoldenMode {
    /** Write missing files; a file that differs fails (the default outside CI). */
    WRITE_MISSING,
    /** Write missing files and rewrite differing ones ({@code -Drehearsal.snapshots.update=true}). */
    UPDATE,
    /** Never write: a missing or differing file fails (whenever the {@code CI} environment variable is set). */
    VERIFY_ONLY;

    /**
     * The mode for this run: {@link #VERIFY_ONLY} whenever {@code CI} is set in {@code environment} (to anything but
     * {@code false}), even if an update was asked for; else {@link #UPDATE} when asked, else {@link #WRITE_MISSING}.
     */
    public static GoldenMode of(boolean updateRequested, Map<String, String> environment) {
        String ci = environment.get("CI");
        if (ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false")) {
            return VERIFY_ONLY;
        }
        return updateRequested ? UPDATE : WRITE_MISSING;
    }
}
