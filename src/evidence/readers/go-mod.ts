import { EvidenceFileInvalid, type ExtractedItem, type ReadResult } from './evidence-file';

/** The directives of go.mod (https://go.dev/ref/mod#go-mod-file-grammar). */
const DIRECTIVES = new Set(['module', 'go', 'toolchain', 'godebug', 'require', 'exclude', 'replace', 'retract', 'tool', 'ignore']);

/** A module path or version token: quoted (`"path"`, `` `path` ``) or bare. */
const token = (text: string) => text.replace(/^["`](.*)["`]$/, '$1');

/**
 * go.mod: every required module (direct or `// indirect`) with its line, and the go version as the tool's.
 * Go's own parser is golang.org/x/mod/modfile, in Go; no maintained JavaScript port exists, so this follows the
 * grammar of the reference: line-oriented directives, each alone or in a parenthesised block.
 */
export function readGoMod(file: string, text: string): ReadResult {
  const items: ExtractedItem[] = [];
  let goVersion: string | undefined;
  let block: string | null = null;
  let blockLine = 0;
  let sawModule = false;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const lineNumber = index + 1;
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (!line) return;
    if (block) {
      if (line === ')') {
        block = null;
        return;
      }
      if (block === 'require') requirement(line.split(/\s+/), lineNumber);
      return;
    }
    const [directive, ...args] = line.split(/\s+/);
    if (!DIRECTIVES.has(directive)) {
      throw new EvidenceFileInvalid(file, `unknown directive "${directive}": go.mod has ${[...DIRECTIVES].join(', ')}`, lineNumber, raw.indexOf(directive) + 1);
    }
    if (args[0] === '(' && args.length === 1) {
      block = directive;
      blockLine = lineNumber;
      return;
    }
    if (directive === 'module') sawModule = true;
    if (directive === 'go') goVersion = args[0];
    if (directive === 'require') requirement(args, lineNumber);
  });
  if (block) throw new EvidenceFileInvalid(file, `the ${block} block that opens here is not closed with ")"`, blockLine);
  if (!sawModule) throw new EvidenceFileInvalid(file, 'not a go.mod file: it has no module directive', 1);
  return { items: goVersion ? items.map((item) => ({ ...item, toolVersion: `go ${goVersion}` })) : items };

  function requirement(args: string[], lineNumber: number) {
    if (args.length !== 2 || !/^v\d/.test(token(args[1]))) {
      throw new EvidenceFileInvalid(file, `a requirement is a module path and a version (such as github.com/stripe/stripe-go/v76 v76.0.0), not "${args.join(' ')}"`, lineNumber);
    }
    items.push({ ecosystem: 'go', package: token(args[0]), file, line: lineNumber, tool: 'go' });
  }
}
