// The team's TypeORM DataSource, as the TypeORM CLI uses it (typeorm migration:run -d data-source.js). Rehearsal
// loads it, keeps its options, and points it at its throwaway database for each step.
require('reflect-metadata');
const { DataSource } = require('typeorm');

const AppDataSource = new DataSource({
  type: 'postgres',
  url: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/billing',
  migrations: [`${__dirname}/migrations/*.js`],
  migrationsTableName: 'migrations',
});

module.exports = { AppDataSource };
