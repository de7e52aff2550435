import { Tokenizer, TokenParser, TokenType } from '@streamparser/json';
import { EvidenceFileInvalid } from './evidence-file';

/** A value found at one of the selected paths, with the line where it starts when it is a second-level value. */
export interface JsonEntry {
  /** Keys from the root to the value: `["packages", "node_modules/stripe"]`. */
  path: string[];
  value: unknown;
  line: number | null;
}

/**
 * Lines of byte offsets in a stream read chunk by chunk: each chunk's first line is known when it arrives, and
 * offsets are asked for in increasing order, so each byte is counted once. The last two chunks are kept, for a
 * token that began in the chunk before.
 */
class LineCounter {
  private chunks: { start: number; line: number; bytes: Uint8Array; cursor: number; cursorLine: number }[] = [];
  private total = 0;
  private lines = 1;

  add(bytes: Uint8Array) {
    this.chunks.push({ start: this.total, line: this.lines, bytes, cursor: 0, cursorLine: this.lines });
    if (this.chunks.length > 2) this.chunks.shift();
    this.total += bytes.length;
    for (const byte of bytes) if (byte === 10) this.lines++;
  }

  private chunkAt(offset: number) {
    for (let i = this.chunks.length - 1; i >= 0; i--) if (this.chunks[i].start <= offset) return this.chunks[i];
    return undefined;
  }

  lineOf(offset: number): number | null {
    const chunk = this.chunkAt(offset);
    if (!chunk || offset >= this.total) return null;
    const local = offset - chunk.start;
    if (local < chunk.cursor) return null;
    for (let i = chunk.cursor; i < local; i++) if (chunk.bytes[i] === 10) chunk.cursorLine++;
    chunk.cursor = local;
    return chunk.cursorLine;
  }

  /** Line and column of an offset anywhere in the kept chunks (for errors, where order does not hold). */
  positionOf(offset: number): { line: number | null; column: number | null } {
    const chunk = this.chunkAt(offset);
    if (!chunk) return { line: null, column: null };
    let line = chunk.line;
    let lineStart = -1;
    const local = Math.min(offset - chunk.start, chunk.bytes.length);
    for (let i = 0; i < local; i++) {
      if (chunk.bytes[i] === 10) {
        line++;
        lineStart = i;
      }
    }
    return { line, column: lineStart === -1 && chunk.start > 0 ? null : local - lineStart };
  }
}

/**
 * Reads JSON from a stream of chunks and hands over the values at `paths` (such as `$.packages.*`) as they end,
 * with the line of their key, and says which keys the top level has. A selected path must not be the ancestor of
 * another (its value would be kept whole to be handed over). Everything else is dropped as soon as it is read (TokenParser without keepStack),
 * so a 50 MB lock file is never in memory whole. Malformed JSON is an EvidenceFileInvalid with its line and column.
 */
export async function readJsonEntries(
  file: string,
  chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  paths: string[],
  onEntry: (entry: JsonEntry) => void,
): Promise<{ topLevelKeys: Set<string> }> {
  const topLevelKeys = new Set<string>();
  const lines = new LineCounter();
  const tokenizer = new Tokenizer();
  const parser = new TokenParser({ paths, keepStack: false });
  // Which containers are open, and whether the next string in the innermost object is a key.
  const open: ('object' | 'array')[] = [];
  let expectKey = false;
  let expectElement = false;
  let entryLine: number | null = null;
  let tokens = 0;
  let failure: EvidenceFileInvalid | null = null;
  const fail = (offset: number, problem: string) => {
    const { line, column } = lines.positionOf(offset);
    failure ??= new EvidenceFileInvalid(file, problem, line, column);
    throw failure;
  };

  parser.onValue = ({ value, key, stack, partial }) => {
    if (partial || key === undefined) return;
    const path = [...stack.slice(1).map((frame) => String(frame.key)), String(key)];
    onEntry({ path, value, line: path.length === 2 ? entryLine : null });
  };
  parser.onError = (error) => {
    throw error;
  };
  tokenizer.onError = (error) => {
    throw error;
  };
  tokenizer.onToken = (info) => {
    tokens++;
    const { token, offset } = info;
    if (open.length === 1 && token === TokenType.STRING && expectKey) topLevelKeys.add(String(info.value));
    // The line of a second-level value: its key in an object, its first token in an array.
    if (open.length === 2 && ((token === TokenType.STRING && expectKey) || (expectElement && token !== TokenType.RIGHT_BRACKET))) {
      entryLine = lines.lineOf(offset);
    }
    try {
      parser.write(info);
    } catch (error) {
      if (error instanceof EvidenceFileInvalid) throw error;
      fail(offset, `not valid JSON: ${(error as Error).message.replace(/ in state \w+$/, '')}`);
    }
    if (token === TokenType.LEFT_BRACE) open.push('object');
    else if (token === TokenType.LEFT_BRACKET) open.push('array');
    else if (token === TokenType.RIGHT_BRACE || token === TokenType.RIGHT_BRACKET) open.pop();
    expectKey = open.at(-1) === 'object' && (token === TokenType.LEFT_BRACE || token === TokenType.COMMA);
    expectElement = open.at(-1) === 'array' && (token === TokenType.LEFT_BRACKET || token === TokenType.COMMA);
  };

  try {
    for await (const chunk of chunks) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      lines.add(bytes);
      tokenizer.write(bytes);
    }
    if (tokens === 0) throw new EvidenceFileInvalid(file, 'empty: expected a JSON object', 1, 1);
    if (open.length > 0) throw new EvidenceFileInvalid(file, `the file ends inside the JSON (${open.length} unclosed ${open.at(-1) === 'object' ? '{' : '['})`);
    if (!tokenizer.isEnded) tokenizer.end();
    return { topLevelKeys };
  } catch (error) {
    if (error instanceof EvidenceFileInvalid) throw error;
    if (failure) throw failure;
    const absolute = /absolute position "(\d+)"/.exec((error as Error).message);
    if (absolute) fail(Number(absolute[1]), `not valid JSON: ${(error as Error).message.replace(/ at chunk position.*$/, '')}`);
    throw new EvidenceFileInvalid(file, `not valid JSON: ${(error as Error).message}`);
  }
}
