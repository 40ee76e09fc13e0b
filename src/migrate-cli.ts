import dotenv from 'dotenv';
import pino from 'pino';
import { loadConfig } from './config.js';
import { createLogger } from './log.js';
import { StartupError } from './startup-error.js';
import { connectDatabase } from './db/connect.js';
import { migrateToLatest } from './db/migrate.js';

/** `npm run db:migrate`: bring the configured database to the latest schema, then exit. */
async function run(): Promise<void> {
  dotenv.config({ quiet: true });
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel ?? 'info', pino.destination(2));
  const database = await connectDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: 1,
    logger,
  });
  try {
    const { applied } = await migrateToLatest(database.db);
    process.stdout.write(
      applied.length > 0 ? `Applied ${applied.length} migration(s): ${applied.join(', ')}\n` : 'The database is up to date.\n',
    );
  } finally {
    await database.close();
  }
}

run().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`debrief: ${err instanceof StartupError ? err.message : (err as Error).message}\n`);
    process.exit(1);
  },
);
