package dev.rehearsal.core.internal.source;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SQL of each Alembic operation Rehearsal translates, as SQLAlchemy writes it for PostgreSQL. */
class AlembicOpsTest {

    private static String sql(String python) {
        return AlembicOps.sql((PythonExpressions.Call) PythonExpressions.parse(python));
    }

    @Test
    void tables() {
        assertThat(sql("""
                op.create_table(
                    "orders",
                    sa.Column("id", sa.BigInteger(), primary_key=True),
                    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
                    sa.Column("code", sa.String(length=12), unique=True),
                    sa.Column("placed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
                    sa.Column("total", sa.Numeric(10, 2), server_default="0"),
                    sa.CheckConstraint("total >= 0", name="orders_total_check"),
                )""")).isEqualTo("""
                CREATE TABLE orders (
                    id BIGSERIAL NOT NULL,
                    user_id INTEGER NOT NULL,
                    code VARCHAR,
                    placed_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
                    total NUMERIC(10, 2) DEFAULT '0',
                    PRIMARY KEY (id),
                    FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE,
                    UNIQUE (code),
                    CONSTRAINT orders_total_check CHECK (total >= 0)
                )""".strip());
        assertThat(sql("op.drop_table('orders')")).isEqualTo("DROP TABLE orders");
        assertThat(sql("op.rename_table('orders', 'purchases')")).isEqualTo("ALTER TABLE orders RENAME TO purchases");
        assertThat(sql("op.create_table('user', sa.Column('id', sa.Integer, primary_key=True))"))
                .isEqualTo("CREATE TABLE \"user\" (\n    id SERIAL NOT NULL,\n    PRIMARY KEY (id)\n)");
    }

    @Test
    void columnsIndexesAndConstraints() {
        assertThat(sql("op.add_column('users', sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.text('true')))"))
                .isEqualTo("ALTER TABLE users ADD COLUMN active BOOLEAN DEFAULT true NOT NULL");
        assertThat(sql("op.drop_column('users', 'active')")).isEqualTo("ALTER TABLE users DROP COLUMN active");
        assertThat(sql("op.alter_column('users', 'name', nullable=False, type_=sa.Text(), new_column_name='full_name')"))
                .isEqualTo("ALTER TABLE users ALTER COLUMN name SET NOT NULL;\nALTER TABLE users ALTER COLUMN name TYPE TEXT;\n"
                        + "ALTER TABLE users RENAME name TO full_name");
        assertThat(sql("op.alter_column('users', 'name', server_default=None)"))
                .isEqualTo("ALTER TABLE users ALTER COLUMN name DROP DEFAULT");
        assertThat(sql("op.create_index('users_name_idx', 'users', ['name', 'email'], unique=True)"))
                .isEqualTo("CREATE UNIQUE INDEX users_name_idx ON users (name, email)");
        assertThat(sql("op.drop_index('users_name_idx', table_name='users')")).isEqualTo("DROP INDEX users_name_idx");
        assertThat(sql("op.create_foreign_key('orders_user_fk', 'orders', 'users', ['user_id'], ['id'], ondelete='SET NULL')"))
                .isEqualTo("ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE SET NULL");
        assertThat(sql("op.drop_constraint('orders_user_fk', 'orders', type_='foreignkey')"))
                .isEqualTo("ALTER TABLE orders DROP CONSTRAINT orders_user_fk");
        assertThat(sql("op.create_unique_constraint('users_email_key', 'users', ['email'])"))
                .isEqualTo("ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email)");
    }

    @Test
    void executeTakesLiteralSqlInEveryPythonSpelling() {
        assertThat(sql("op.execute(\"UPDATE t SET a = 'x;y'\")")).isEqualTo("UPDATE t SET a = 'x;y'");
        assertThat(sql("op.execute(sa.text('''\nUPDATE t\nSET a = 1\n'''))")).isEqualTo("\nUPDATE t\nSET a = 1\n");
        assertThat(sql("op.execute('UPDATE t ' 'SET a = 2')")).isEqualTo("UPDATE t SET a = 2");
        assertThat(sql("op.execute(r'SELECT 1 -- a\\\\b')")).isEqualTo("SELECT 1 -- a\\\\b");
    }

    @Test
    void unknownOperationsAndTypesAreNamed() {
        assertThatThrownBy(() -> sql("op.batch_alter_table('users')")).hasMessage("op.batch_alter_table(...)");
        assertThatThrownBy(() -> sql("op.add_column('t', sa.Column('g', Geometry()))")).hasMessage("the column type Geometry");
        assertThatThrownBy(() -> sql("op.execute(query)")).hasMessageContaining("expected a literal string");
    }
}
