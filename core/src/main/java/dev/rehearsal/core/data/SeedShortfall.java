package dev.rehearsal.core.data;

import org.apiguardian.api.API;

/**
 * A table the seeder could not fill to the rows asked: the rows it kept, and why the others could not be made (the
 * constraint or error that refused them, and what was tried). A shortfall is the seeder's, never a migration's: the
 * round trip goes on over the rows the table has.
 *
 * @param table  the table
 * @param asked  rows asked for
 * @param loaded rows the database accepted and kept
 * @param reason what refused the others, with the constraint or SQLState, and how to seed the table instead
 */
@API(status = API.Status.STABLE, since = "0.1")
public record SeedShortfall(String table, long asked, long loaded, String reason) {

    @Override
    public String toString() {
        return "could not seed " + table + ": " + loaded + " of " + asked + " rows; " + reason;
    }
}
