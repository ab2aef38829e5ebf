exports.up = (knex) =>
  knex.schema.createTable('accounts', (t) => {
    t.increments('id');
    t.string('email', 320).notNullable().unique();
    t.string('display_name', 120);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

exports.down = (knex) => knex.schema.dropTable('accounts');
