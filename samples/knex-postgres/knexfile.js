// The team's Knex configuration. In CI the database comes from DATABASE_URL; Rehearsal runs Knex with this file and
// hands it its throwaway database as the connection for each step.
module.exports = {
  client: 'pg',
  connection: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/tasks',
  migrations: { directory: './migrations' },
};
