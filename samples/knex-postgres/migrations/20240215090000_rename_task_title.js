exports.up = (knex) =>
  knex.schema.alterTable('tasks', (t) => {
    t.renameColumn('title', 'summary');
  });

exports.down = (knex) =>
  knex.schema.alterTable('tasks', (t) => {
    t.renameColumn('summary', 'title');
  });
