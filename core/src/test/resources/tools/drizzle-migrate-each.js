// drizzle-orm's own migrator, one release per migration: node drizzle-migrate-each.js <postgres url> <folder>.
// For each entry of the folder's meta/_journal.json in turn, migrate() runs on a copy of the folder whose journal
// ends at that entry, as a team deploying one migration per release runs it. Prints "Applying: <tag>" before each
// and, when one fails, "Failed: <tag> <SQLSTATE>"; exits 1 then. Run by DrizzleDifferentialTest with NODE_PATH at
// .ci/tools/node_modules (drizzle-orm and pg from the npm registry).
const fs = require('fs');
const os = require('os');
const path = require('path');
const { drizzle } = require('drizzle-orm/node-postgres');
const { migrate } = require('drizzle-orm/node-postgres/migrator');
const { Pool } = require('pg');

async function main(url, folder) {
  const journal = JSON.parse(fs.readFileSync(path.join(folder, 'meta', '_journal.json'), 'utf8'));
  const release = fs.mkdtempSync(path.join(os.tmpdir(), 'drizzle-release-'));
  fs.mkdirSync(path.join(release, 'meta'));
  for (const file of fs.readdirSync(folder)) {
    if (file.endsWith('.sql')) fs.copyFileSync(path.join(folder, file), path.join(release, file));
  }
  for (let i = 0; i < journal.entries.length; i++) {
    const tag = journal.entries[i].tag;
    const upToHere = { ...journal, entries: journal.entries.slice(0, i + 1) };
    fs.writeFileSync(path.join(release, 'meta', '_journal.json'), JSON.stringify(upToHere));
    console.log('Applying: ' + tag);
    const pool = new Pool({ connectionString: url });
    try {
      await migrate(drizzle(pool), { migrationsFolder: release });
    } catch (e) {
      const code = (e.cause && e.cause.code) || e.code || 'none';
      console.log('Failed: ' + tag + ' ' + code + ' ' + (e.cause ? e.cause.message : e.message));
      return 1;
    } finally {
      await pool.end();
    }
  }
  return 0;
}

main(process.argv[2], process.argv[3]).then((code) => process.exit(code),
  (e) => { console.error(e.stack || e.message); process.exit(2); });
