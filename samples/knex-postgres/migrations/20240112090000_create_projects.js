exports.up = (knex) =>
  knex.schema.createTable('projects', (t) => {
    t.increments('id');
    t.integer('account_id').notNullable().references('id').inTable('accounts').onDelete('CASCADE');
    t.string('name', 200).notNullable();
    t.boolean('archived').notNullable().defaultTo(false);
    t.unique(['account_id', 'name']);
  });

exports.down = (knex) => knex.schema.dropTable('projects');
