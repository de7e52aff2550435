import { SaxesParser } from 'saxes';
import { EvidenceFileInvalid, type ExtractedItem, type ReadResult } from './evidence-file';

/** Where a `<dependency>` ships with the software: the project's, or a profile's. Build plugins' do not. */
const SHIPPED_PATHS = ['project/dependencies/dependency', 'project/profiles/profile/dependencies/dependency'];

/** Scopes whose dependencies are not in the running software. */
const NOT_SHIPPED = new Set(['test', 'provided', 'system']);

/**
 * pom.xml, read with saxes (a conformant streaming XML parser): each dependency as groupId:artifactId, with the
 * line of its `<dependency>`; test, provided and system scopes are left out, and so is dependencyManagement,
 * which only pins versions.
 */
export function readPom(file: string, text: string): ReadResult {
  const dependencies: { line: number; fields: Record<string, string> }[] = [];
  const parser = new SaxesParser({ position: true });
  const path: string[] = [];
  let current: { line: number; fields: Record<string, string> } | null = null;
  let textBuffer = '';
  let sawProject = false;
  parser.on('opentag', (tag) => {
    path.push(tag.local ?? tag.name);
    if (path.length === 1) sawProject = path[0] === 'project';
    if (SHIPPED_PATHS.includes(path.join('/'))) current = { line: parser.line, fields: {} };
    textBuffer = '';
  });
  parser.on('text', (value) => {
    textBuffer += value;
  });
  parser.on('closetag', () => {
    const joined = path.join('/');
    if (current && path.length >= 2 && SHIPPED_PATHS.includes(path.slice(0, -1).join('/'))) current.fields[path.at(-1)!] = textBuffer.trim();
    if (current && SHIPPED_PATHS.includes(joined)) {
      dependencies.push(current);
      current = null;
    }
    path.pop();
    textBuffer = '';
  });
  try {
    parser.write(text).close();
  } catch (error) {
    if (error instanceof EvidenceFileInvalid) throw error;
    // saxes reports `file:line:column: message`; the position is the parser's.
    const message = (error as Error).message.replace(/^(?:[^:]*:)?\d+:\d+: /, '');
    throw new EvidenceFileInvalid(file, `not well-formed XML: ${message}`, parser.line, parser.column);
  }
  if (!sawProject) throw new EvidenceFileInvalid(file, 'not a Maven POM: its root element is not <project>', 1);
  // Judged once the whole file is known to be well-formed XML, so that an XML error is the one reported.
  const items: ExtractedItem[] = [];
  for (const { line, fields } of dependencies) {
    const { groupId, artifactId, scope } = fields;
    if (!groupId || !artifactId) throw new EvidenceFileInvalid(file, 'a <dependency> needs a <groupId> and an <artifactId>', line);
    if (!NOT_SHIPPED.has(scope ?? 'compile')) items.push({ ecosystem: 'maven', package: `${groupId}:${artifactId}`, file, line, tool: 'maven' });
  }
  return { items };
}
