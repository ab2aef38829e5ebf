exports.up = (knex) =>
  knex.schema.createTable('orders', (t) => {
    t.increments('id');
    t.integer('customer_id').notNullable().references('id').inTable('customers').onDelete('CASCADE');
    t.decimal('total', 10, 2).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['customer_id'], 'orders_customer_id_idx');
  });

exports.down = (knex) => knex.schema.dropTable('orders');
