// Knex reads the throwaway database's address from DATABASE_URL, which Rehearsal sets for every command it runs.
module.exports = {
  client: 'pg',
  connection: process.env.DATABASE_URL,
  migrations: { directory: './migrations' },
};
