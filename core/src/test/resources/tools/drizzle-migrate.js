// drizzle-orm's own migrator on a database: node drizzle-migrate.js <postgres url> <migrations folder>. Run by
// DrizzleVerificationTest with NODE_PATH at .ci/tools/node_modules (drizzle-orm and pg from the npm registry).
const { drizzle } = require('drizzle-orm/node-postgres');
const { migrate } = require('drizzle-orm/node-postgres/migrator');
const { Pool } = require('pg');
const pool = new Pool({ connectionString: process.argv[2] });
migrate(drizzle(pool), { migrationsFolder: process.argv[3] })
  .then(() => pool.end())
  .catch((e) => { console.error(e.message); pool.end(); process.exit(1); });
