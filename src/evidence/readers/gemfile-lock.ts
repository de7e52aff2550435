import { EvidenceFileInvalid, type ExtractedItem, type ReadResult } from './evidence-file';

/** The sections of a Gemfile.lock that list installed gems under `specs:`. */
const SOURCES = new Set(['GEM', 'GIT', 'PATH', 'PLUGIN SOURCE']);

/**
 * Gemfile.lock, as Bundler writes it (Bundler::LockfileParser): top-level sections, and under GEM, GIT and PATH
 * a `specs:` list where each gem is `    name (version)` at four spaces, its own dependencies at six. Each gem is
 * an item with its line; `BUNDLED WITH` gives the tool's version. The only parser that keeps lines and reports
 * malformed lines is Bundler's own, in Ruby: the npm packages that read lockfiles drop both, so this one is here.
 */
export function readGemfileLock(file: string, text: string): ReadResult {
  const items: ExtractedItem[] = [];
  const lines = text.split(/\r?\n/);
  let section: string | null = null;
  let inSpecs = false;
  let bundler: string | undefined;
  let sawSource = false;
  lines.forEach((line, index) => {
    const lineNumber = index + 1;
    if (!line.trim()) return;
    if (!line.startsWith(' ')) {
      if (!/^[A-Z][A-Z ]*$/.test(line)) throw new EvidenceFileInvalid(file, `expected a section name such as GEM or DEPENDENCIES, not "${line}"`, lineNumber, 1);
      section = line;
      inSpecs = false;
      sawSource ||= SOURCES.has(section);
      return;
    }
    if (section === null) throw new EvidenceFileInvalid(file, 'an indented line before any section', lineNumber, 1);
    if (section === 'BUNDLED WITH') bundler = line.trim();
    if (!SOURCES.has(section)) return;
    if (/^ {2}\S/.test(line)) {
      inSpecs = line.trim() === 'specs:';
      return;
    }
    if (!inSpecs || /^ {6}/.test(line)) return;
    const gem = /^ {4}([^\s(]+) \(([^)]+)\)$/.exec(line);
    if (!gem) throw new EvidenceFileInvalid(file, `expected "name (version)" for a gem under specs:, not "${line.trim()}"`, lineNumber, 5);
    items.push({ ecosystem: 'rubygems', package: gem[1], file, line: lineNumber, tool: 'bundler' });
  });
  if (!sawSource) throw new EvidenceFileInvalid(file, 'not a Gemfile.lock: it has no GEM, GIT or PATH section', 1);
  return { items: bundler ? items.map((item) => ({ ...item, toolVersion: bundler })) : items };
}
