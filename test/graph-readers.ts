/**
 * Readers that feed Mermaid and DOT text to the real tools, for tests: Mermaid's own flowchart parser and
 * Graphviz itself (compiled to WASM).
 *
 * Both packages ship as ES modules only, which ts-jest's CommonJS output cannot import. Each one
 * therefore runs in a child `node` process that reads a JSON list of texts on stdin and answers with
 * what its parser understood of each.
 */
import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';

const projectRoot = path.resolve(__dirname, '..');

export const MERMAID_READER = String.raw`
import { JSDOM } from 'jsdom';

// Mermaid sanitises labels with DOMPurify, which needs a window when mermaid is imported.
const { window } = new JSDOM('');
globalThis.window = window;
globalThis.document = window.document;
const { default: mermaid } = await import('mermaid');

// Mermaid keeps entity codes as placeholders in its model and turns them into HTML entities when
// it draws (decodeEntities in mermaid's utils); the browser then shows the character.
function shownText(modelText) {
  const html = modelText.replace(/\uFB02\u00B0\u00B0/g, '&#').replace(/\uFB02\u00B0/g, '&').replace(/\u00B6\u00DF/g, ';');
  const element = window.document.createElement('span');
  element.innerHTML = html;
  return element.textContent;
}

let input = '';
for await (const chunk of process.stdin) input += chunk;

const results = [];
for (const text of JSON.parse(input)) {
  try {
    await mermaid.parse(text);
    const { db } = await mermaid.mermaidAPI.getDiagramFromText(text);
    results.push({
      ok: true,
      nodes: [...db.getVertices().values()].map((v) => ({ id: v.id, shape: v.type, label: shownText(v.text) })),
      edges: db.getEdges().map((e) => ({ from: e.start, to: e.end, label: shownText(e.text), stroke: e.stroke, style: e.style ?? [] })),
      groups: db.getSubGraphs().map((s) => ({ id: s.id, title: shownText(s.title), nodeIds: s.nodes })),
    });
  } catch (error) {
    results.push({ ok: false, error: String(error?.message ?? error) });
  }
}
process.stdout.write(JSON.stringify(results));
`;

export const GRAPHVIZ_READER = String.raw`
import { Graphviz } from '@hpcc-js/wasm-graphviz';
import { JSDOM } from 'jsdom';

const graphviz = await Graphviz.load();

let input = '';
for await (const chunk of process.stdin) input += chunk;

const results = [];
for (const dot of JSON.parse(input)) {
  try {
    const layout = JSON.parse(graphviz.layout(dot, 'json0', 'dot'));
    // Labels are read from the drawing, after Graphviz has applied its own backslash escapes.
    const svg = new JSDOM(graphviz.layout(dot, 'svg', 'dot'), { contentType: 'image/svg+xml' }).window.document;
    // The drawing orders nodes its own way, so each one is found by the name in its title.
    const drawnText = (group) => [...group.querySelectorAll('text')].map((t) => t.textContent).join('\n');
    const drawnNodeText = new Map(
      [...svg.querySelectorAll('g.node')].map((g) => [g.querySelector('title').textContent, drawnText(g)]),
    );
    const drawnEdges = [...svg.querySelectorAll('g.edge')];
    const objects = layout.objects ?? [];
    const edges = (layout.edges ?? []).map((e, i) => {
      const from = objects[e.tail].name;
      const to = objects[e.head].name;
      const drawnTitle = drawnEdges[i].querySelector('title').textContent;
      if (drawnTitle !== from + '->' + to) throw new Error('edge ' + i + ' is drawn as ' + drawnTitle);
      return { from, to, style: e.style, color: e.color, label: drawnText(drawnEdges[i]) };
    });
    results.push({
      ok: true,
      graphName: layout.name,
      rankdir: layout.rankdir,
      nodes: objects.map((o) => ({ name: o.name, shape: o.shape, style: o.style, label: drawnNodeText.get(o.name) })),
      edges,
    });
  } catch (error) {
    results.push({ ok: false, error: String(error?.message ?? error) });
  }
}
process.stdout.write(JSON.stringify(results));
`;

export type ParseFailure = { ok: false; error: string };

export type MermaidReading =
  | {
      ok: true;
      nodes: { id: string; shape: string; label: string }[];
      edges: { from: string; to: string; label: string; stroke: string; style: string[] }[];
      groups: { id: string; title: string; nodeIds: string[] }[];
    }
  | ParseFailure;

export type GraphvizReading =
  | {
      ok: true;
      graphName: string;
      rankdir: string;
      nodes: { name: string; shape: string; style?: string; label: string }[];
      edges: { from: string; to: string; style?: string; color?: string; label: string }[];
    }
  | ParseFailure;

const readerArguments = (script: string) => ['--input-type=module', '--eval', script];
const readerOptions = {
  cwd: projectRoot, // so the script's imports resolve to this project's node_modules
  encoding: 'utf8' as const,
  maxBuffer: 16 * 1024 * 1024,
};

export function readInChildProcess<Reading>(script: string, texts: string[]): Reading[] {
  const output = execFileSync(process.execPath, readerArguments(script), {
    ...readerOptions,
    input: JSON.stringify(texts),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return JSON.parse(output) as Reading[];
}

/**
 * Reads one text without blocking the event loop, for tests that serve HTTP from the same process: a blocked
 * loop lets the server's keep-alive timers fire late and reset the next request's connection.
 */
export function readOne<Reading>(script: string, text: string): Promise<Reading> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, readerArguments(script), readerOptions, (error, output) => {
      if (error) reject(error);
      else resolve((JSON.parse(output) as Reading[])[0]);
    });
    child.stdin!.end(JSON.stringify([text]));
  });
}

/** Reads every text of a record in one child process, and hands back the readings by the same keys. */
export function readAll<Key extends string, Reading>(script: string, texts: Record<Key, string>): Record<Key, Reading> {
  const keys = Object.keys(texts) as Key[];
  const readings = readInChildProcess<Reading>(script, keys.map((key) => texts[key]));
  return Object.fromEntries(keys.map((key, index) => [key, readings[index]])) as Record<Key, Reading>;
}

export function parsed<Reading extends { ok: boolean }>(reading: Reading): Extract<Reading, { ok: true }> {
  if (!reading.ok) throw new Error(`expected the text to parse, but: ${(reading as unknown as ParseFailure).error}`);
  return reading as Extract<Reading, { ok: true }>;
}
