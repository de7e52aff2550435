import type { Ecosystem } from '../vendor-catalogue';

/**
 * One thing a reader found in a file: a package, a host or a scanner's third party, with where it was found.
 * Only names and positions: a reader never keeps source code.
 */
export interface ExtractedItem {
  ecosystem?: Ecosystem;
  package?: string;
  host?: string;
  /** The third party as a scanner names it. */
  vendor?: string;
  dataTypes?: string[];
  file: string;
  line?: number;
  tool: string;
  toolVersion?: string;
}

export interface ReadResult {
  items: ExtractedItem[];
  /** What the file says of the repository it describes (Privado's report names it and its commit). */
  repository?: string;
  commit?: string;
}

/** A file that is not what it claims to be: named with the position of the problem, as `file:line:column`. */
export class EvidenceFileInvalid extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly line: number | null = null,
    readonly column: number | null = null,
  ) {
    super(`${file}${line ? `:${line}${column ? `:${column}` : ''}` : ''}: ${problem}`);
  }
}

/** The 1-based line and column of a character offset in a text. */
export function positionIn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
