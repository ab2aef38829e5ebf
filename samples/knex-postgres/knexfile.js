// The team's Knex configuration. In CI and under Rehearsal the database comes from DATABASE_URL, which Rehearsal sets
// for every command it runs against its throwaway database.
module.exports = {
  client: 'pg',
  connection: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/tasks',
  migrations: { directory: './migrations' },
};
