package dev.rehearsal.core;

import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.MigrationScript;
import dev.rehearsal.core.model.MigrationVersion;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The one line every report shows for a failure carries its cause, not only its headline. */
class FailureCauseTest {

    @Test
    void aFailedStatementShowsTheServersMessageSqlStateScriptLineAndStatement() {
        Migration m = new Migration(MigrationVersion.parse("150"), "channel owner", Migration.Type.VERSIONED,
                new MigrationScript("000150_channel_owner.up.sql", "db/000150_channel_owner.up.sql", "..."), null, null);
        String message = new MigrationFailedException("up", m, "000150_channel_owner.up.sql", 3,
                "ALTER TABLE channels ALTER COLUMN owner_id SET NOT NULL", "23502",
                "ERROR: column \"owner_id\" of relation \"channels\" contains null values", null).getMessage();
        assertThat(RoundTripReport.cause(message)).isEqualTo("up of migration V150 channel owner failed: ERROR: column"
                + " \"owner_id\" of relation \"channels\" contains null values [SQLState 23502] at"
                + " 000150_channel_owner.up.sql, line 3: ALTER TABLE channels ALTER COLUMN owner_id SET NOT NULL");
    }

    @Test
    void aSchemaDifferenceShowsItsFirstEntryAfterTheColon() {
        assertThat(RoundTripReport.cause("The down script of V3 (U3.sql) did not restore the schema as it was before"
                + " V3.sql ran:\n  + index accounts_email_idx ON accounts (email)\nFix U3.sql."))
                .isEqualTo("The down script of V3 (U3.sql) did not restore the schema as it was before V3.sql ran:"
                        + " + index accounts_email_idx ON accounts (email)");
    }
}
