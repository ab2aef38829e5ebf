// Tasks get a priority from 1 (urgent) to 3 (someday); existing tasks are normal (2).
exports.up = async (knex) => {
  await knex.schema.alterTable('tasks', (t) => {
    t.smallint('priority').notNullable().defaultTo(2);
  });
  await knex.raw('alter table tasks add constraint tasks_priority_range check (priority between 1 and 3)');
};

exports.down = async (knex) => {
  await knex.raw('alter table tasks drop constraint tasks_priority_range');
  await knex.schema.alterTable('tasks', (t) => {
    t.dropColumn('priority');
  });
};
