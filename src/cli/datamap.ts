import 'reflect-metadata';
import { DataDirLocked } from '../db/data-dir-lock';
import { DatabaseUnavailable } from '../db/database-errors';
import { ConfigError } from '../common/config';
import { connectLikeTheServer, runCli } from './cli';

/** `npm run datamap -- <command>`: npm runs scripts from the project root, so paths start where it was called. */
const env = { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };
runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  env,
  cwd: process.env.INIT_CWD ?? process.cwd(),
  connect: () => connectLikeTheServer(env),
})
  .then((code) => process.exit(code))
  .catch((error) => {
    if (error instanceof ConfigError) console.error(`datamap: configuration error: ${error.message}`);
    // The data directory is taken (the service runs on it) or the database is missing: one line, no stack.
    else if (error instanceof DataDirLocked || error instanceof DatabaseUnavailable) console.error(`datamap: ${error.message}`);
    else console.error(error);
    process.exit(error instanceof ConfigError ? 2 : 1);
  });
