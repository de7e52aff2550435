import 'reflect-metadata';
import { ConfigError } from '../server/config';
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
    console.error(error instanceof ConfigError ? `datamap: configuration error: ${error.message}` : error);
    process.exit(error instanceof ConfigError ? 2 : 1);
  });
