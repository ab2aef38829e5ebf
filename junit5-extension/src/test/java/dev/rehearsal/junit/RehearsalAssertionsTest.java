package dev.rehearsal.junit;

import dev.rehearsal.core.data.DataFingerprint;
import dev.rehearsal.core.data.QueryResult;
import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaObject;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.rehearsal.junit.RehearsalAssertions.assertThat;
import static dev.rehearsal.junit.RehearsalAssertions.row;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RehearsalAssertionsTest {

    private static final SchemaSnapshot SCHEMA = new SchemaSnapshot(List.of(
            new SchemaObject(ObjectKind.TABLE, "users", null, "table users", Map.of()),
            new SchemaObject(ObjectKind.COLUMN, "users.id", "users", "column users.id bigint not null",
                    Map.of("type", "bigint", "nullable", "NO", "position", "1", "identity", "ALWAYS")),
            new SchemaObject(ObjectKind.COLUMN, "users.email", "users", "column users.email character varying(255)",
                    Map.of("type", "character varying(255)", "nullable", "YES", "position", "2")),
            new SchemaObject(ObjectKind.COLUMN, "users.created_at", "users", "column users.created_at timestamptz",
                    Map.of("type", "timestamp with time zone", "nullable", "NO", "position", "3", "default", "now()")),
            new SchemaObject(ObjectKind.INDEX, "users_email_idx", "users", "index users_email_idx ON users (email)",
                    Map.of("definition", "CREATE INDEX users_email_idx ON public.users USING btree (email)"))));

    @Test
    void passesOnWhatTheSchemaHas() {
        assertThat(SCHEMA).hasTable("users").hasNoTable("orders").hasIndex("users_email_idx")
                .table("users").hasColumns("id", "email", "created_at").hasIndexOn("email")
                .column("email").hasType("varchar(255)").isNullable()
                .and().column("created_at").hasType("timestamptz").isNotNull().hasDefault("now()")
                .and().column("id").hasType("int8").isIdentity();
    }

    @Test
    void failuresSayWhatIsThereInstead() {
        assertThatThrownBy(() -> assertThat(SCHEMA).table("orders"))
                .hasMessage("Expecting the schema to have table orders, but its tables are: users");
        assertThatThrownBy(() -> assertThat(SCHEMA).table("users").column("status"))
                .hasMessage("Expecting table users to have column status, but its columns are: id, email, created_at");
        assertThatThrownBy(() -> assertThat(SCHEMA).table("users").column("email").hasType("text"))
                .hasMessage("Expecting column users.email to have type text but it is character varying(255)");
        assertThatThrownBy(() -> assertThat(SCHEMA).table("users").column("email").isNotNull())
                .hasMessage("Expecting column users.email to be NOT NULL but it is nullable");
        assertThatThrownBy(() -> assertThat(SCHEMA).table("users").hasIndex("users_status_idx"))
                .hasMessage("Expecting table users to have index users_status_idx, but its indexes are: index users_email_idx ON users (email)");
        assertThatThrownBy(() -> assertThat(SCHEMA).hasNoTable("users"))
                .hasMessage("Expecting the schema to have no table users, but it has: table users");
    }

    @Test
    void schemaComparisonListsEveryDifference() {
        SchemaSnapshot smaller = new SchemaSnapshot(SCHEMA.objects().stream()
                .filter(o -> !o.name().equals("users.created_at") && o.kind() != ObjectKind.INDEX).toList());
        assertThatThrownBy(() -> assertThat(SCHEMA).isSameSchemaAs(smaller))
                .hasMessageContaining("+ column users.created_at timestamptz")
                .hasMessageContaining("+ index users_email_idx ON users (email)");
        assertThatThrownBy(() -> assertThat(smaller.diff(SCHEMA)).isEmpty())
                .hasMessageContaining("Expecting no schema differences, but found:");
    }

    private static final QueryResult ROWS = new QueryResult("select id, name, total from customers",
            List.of("id", "name", "total"), List.of(
            Arrays.asList(1, "Ada", new BigDecimal("10.50")),
            Arrays.asList(2, "Alan", null)));

    @Test
    void queryRowsCompareNumbersByValueAndShowBothTables() {
        assertThat(ROWS).containsExactly(row(1L, "Ada", 10.5), row(2, "Alan", null)).hasRowCount(2);
        assertThat(ROWS).containsExactlyInAnyOrder(row(2, "Alan", null), row(1, "Ada", "10.50"));
        assertThatThrownBy(() -> assertThat(ROWS).containsExactly(row(1, "Ada", 10.5)))
                .hasMessageContaining("Expecting select id, name, total from customers")
                .hasMessageContaining("to return exactly, in order:\n  1 | Ada | 10.5\nbut it returned:\n  1 | Ada | 10.50\n  2 | Alan | null");
        assertThatThrownBy(() -> assertThat(ROWS).containsExactlyInAnyOrder(row(2, "Alan", null), row(3, "Grace", 1)))
                .hasMessageContaining("missing:\n  3 | Grace | 1")
                .hasMessageContaining("unexpected:\n  1 | Ada | 10.50");
        assertThatThrownBy(() -> assertThat(ROWS).hasSingleValue(1))
                .hasMessageContaining("to return the single value 1");
    }

    private static DataFingerprint fingerprint(long rows, String hash) {
        return new DataFingerprint(Map.of("orders", new DataFingerprint.TableFingerprint("orders", rows,
                Map.of("total", new DataFingerprint.ColumnFingerprint(rows, hash)))));
    }

    @Test
    void fingerprintComparisonNamesTableAndColumn() {
        assertThat(fingerprint(3, "99")).hasSameDataAs(fingerprint(3, "99")).hasRows("orders", 3)
                .hasNonNullValues("orders", "total", 3);
        assertThatThrownBy(() -> assertThat(fingerprint(3, "98")).hasSameDataAs(fingerprint(3, "99")))
                .hasMessageContaining("Expecting the same data, but (expected, then actual):")
                .hasMessageContaining("orders.total: 3 non-null, hash 99, then 3 non-null, hash 98");
        assertThatThrownBy(() -> assertThat(fingerprint(2, "98")).hasSameDataAs(fingerprint(3, "99"), "orders"))
                .hasMessageContaining("orders: 3 rows, then 2");
        assertThatThrownBy(() -> assertThat(fingerprint(2, "98")).hasRows("customers", 1))
                .hasMessageContaining("Expecting a table customers, but the data has [orders]");
        assertThatThrownBy(() -> assertThat(fingerprint(2, "98")).hasNonNullValues("orders", "total", 3))
                .hasMessage("Expecting orders.total to have 3 non-null values, but it has 2 (of 2 rows)");
    }
}
