import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The project's root, found from this file whether it runs from `src/` (ts-jest) or `dist/src/` (node). */
function findRoot(start: string): string {
  for (let dir = start; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'seeds'))) return dir;
  }
  throw new Error(`datamap: cannot find the project root above ${start}`);
}

const root = findRoot(__dirname);

export function projectPath(...segments: string[]): string {
  return join(root, ...segments);
}
