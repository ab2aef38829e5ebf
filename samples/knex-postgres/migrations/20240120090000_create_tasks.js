exports.up = (knex) =>
  knex.schema.createTable('tasks', (t) => {
    t.bigIncrements('id');
    t.integer('project_id').notNullable().references('id').inTable('projects').onDelete('CASCADE');
    t.string('title', 500).notNullable();
    t.boolean('done').notNullable().defaultTo(false);
    t.date('due_on');
    t.index(['project_id', 'done'], 'tasks_project_open_idx');
  });

exports.down = (knex) => knex.schema.dropTable('tasks');
