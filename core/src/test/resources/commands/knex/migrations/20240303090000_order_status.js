// Orders get a status, and the dashboard lists them by creation time.
exports.up = (knex) =>
  knex.schema.alterTable('orders', (t) => {
    t.string('status', 20).notNullable().defaultTo('pending');
    t.index(['created_at'], 'orders_created_at_idx');
  });

exports.down = (knex) =>
  knex.schema.alterTable('orders', (t) => {
    t.dropIndex(['created_at'], 'orders_created_at_idx');
    t.dropColumn('status');
  });
