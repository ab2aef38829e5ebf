exports.up = (knex) =>
  knex.schema.createTable('customers', (t) => {
    t.increments('id');
    t.string('email', 320).notNullable().unique();
    t.string('name', 200);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

exports.down = (knex) => knex.schema.dropTable('customers');
