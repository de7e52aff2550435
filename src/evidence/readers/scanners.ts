import { createReadStream } from 'node:fs';
import { CsvError, parse as parseCsv } from 'csv-parse/sync';
import { EvidenceFileInvalid, type ExtractedItem, type ReadResult } from './evidence-file';
import { normaliseHost } from '../vendor-catalogue';
import { readJsonEntries } from './json-stream';

/** The third-party table's header in Bearer's privacy report as CSV (internal/report/output/privacy, BuildCsvString). */
const BEARER_THIRD_PARTY_HEADER = ['Third Party', 'Subject', 'Data Types'];

/** Bearer's placeholder for "not known": a third party it found without data types, or a subject it could not tell. */
const UNKNOWN = 'Unknown';

function bearerItem(file: string, line: number | null, thirdParty: string, dataTypes: string[]): ExtractedItem {
  return {
    vendor: thirdParty,
    dataTypes: dataTypes.map((type) => type.trim()).filter((type) => type && type !== UNKNOWN),
    file,
    line: line ?? undefined,
    tool: 'bearer',
  };
}

/**
 * Bearer CLI's privacy report (`bearer scan . --report privacy`), CSV (its default) or JSON (`--format json`):
 * each third-party row, with the data types sent to it. The report names no source file, so the provenance is
 * the report's own file and line.
 */
export async function readBearerReport(file: string, path: string, text: string): Promise<ReadResult> {
  if (text.trimStart().startsWith('{')) return readBearerJson(file, path);
  return readBearerCsv(file, text);
}

async function readBearerJson(file: string, path: string): Promise<ReadResult> {
  const items: ExtractedItem[] = [];
  const { topLevelKeys } = await readJsonEntries(file, createReadStream(path), ['$.third_party.*'], ({ path: keys, value, line }) => {
    const row = value as { third_party?: unknown; data_types?: unknown } | null;
    if (!row || typeof row.third_party !== 'string' || !row.third_party.trim()) {
      throw new EvidenceFileInvalid(file, `third_party[${keys[1]}] needs a "third_party" name`, line);
    }
    if (row.data_types !== undefined && !(Array.isArray(row.data_types) && row.data_types.every((t) => typeof t === 'string'))) {
      throw new EvidenceFileInvalid(file, `third_party[${keys[1]}].data_types must be a list of names`, line);
    }
    items.push(bearerItem(file, line, row.third_party.trim(), (row.data_types as string[] | undefined) ?? []));
  });
  if (!topLevelKeys.has('third_party')) throw new EvidenceFileInvalid(file, 'not a Bearer privacy report: it has no "third_party" list (run bearer scan with --report privacy)', 1);
  return { items };
}

function readBearerCsv(file: string, text: string): ReadResult {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsv(text, { relax_column_count: true, skip_empty_lines: true, info: true, trim: true }) as unknown as typeof records;
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const line = (error as CsvError & { lines?: number }).lines ?? null;
    throw new EvidenceFileInvalid(file, `not valid CSV: ${error.message.replace(/ at line \d+$/, '')}`, line);
  }
  const start = records.findIndex(({ record }) => BEARER_THIRD_PARTY_HEADER.every((name, i) => record[i] === name));
  if (start === -1) {
    throw new EvidenceFileInvalid(file, `not a Bearer privacy report: no "${BEARER_THIRD_PARTY_HEADER.join(',')},…" table (run bearer scan with --report privacy)`, 1);
  }
  const width = records[start].record.length;
  const items: ExtractedItem[] = [];
  for (const { record, info } of records.slice(start + 1)) {
    if (record.length !== width) {
      throw new EvidenceFileInvalid(file, `a third-party row has ${record.length} columns where the header has ${width}`, info.lines);
    }
    const [thirdParty, , dataTypes] = record;
    if (!thirdParty) throw new EvidenceFileInvalid(file, 'a third-party row without its third party', info.lines, 1);
    items.push(bearerItem(file, info.lines, thirdParty, dataTypes.split(',')));
  }
  return { items };
}

interface PrivadoPathStep {
  fileName?: unknown;
  lineNumber?: unknown;
}

interface PrivadoSink {
  id?: unknown;
  name?: unknown;
  apiUrl?: unknown;
  paths?: { path?: PrivadoPathStep[] }[];
}

/**
 * Privado's privado.json: `dataFlow.third_parties`, where each entry is a data element (`sourceId`) and the
 * third-party sinks it reaches, each with the code paths it takes. An item per sink and data element, placed at
 * the sink end of its first path (file and line in the scanned code); the path's code samples and excerpts are
 * never read into an item. The report's repository, commit and Privado's version come along.
 */
export async function readPrivadoReport(file: string, path: string): Promise<ReadResult> {
  const items: ExtractedItem[] = [];
  const meta: Record<string, unknown> = {};
  const { topLevelKeys } = await readJsonEntries(
    file,
    createReadStream(path, { highWaterMark: 64 * 1024 }),
    ['$.repoName', '$.privadoCoreVersion', '$.privadoCLIVersion', '$.gitMetadata', '$.dataFlow.third_parties.*'],
    ({ path: keys, value }) => {
      if (keys[0] !== 'dataFlow') {
        meta[keys[0]] = value;
        return;
      }
      const flow = value as { sourceId?: unknown; sinks?: unknown } | null;
      const where = `dataFlow.third_parties[${keys[2]}]`;
      if (!flow || typeof flow.sourceId !== 'string') throw new EvidenceFileInvalid(file, `${where} needs a "sourceId" (the data element)`);
      if (!Array.isArray(flow.sinks)) throw new EvidenceFileInvalid(file, `${where}.sinks must be a list`);
      (flow.sinks as PrivadoSink[]).forEach((sink, i) => {
        const name = typeof sink?.name === 'string' && sink.name ? sink.name : typeof sink?.id === 'string' ? sink.id : null;
        if (!name) throw new EvidenceFileInvalid(file, `${where}.sinks[${i}] needs an "id" or a "name"`);
        const steps = sink.paths?.[0]?.path ?? [];
        const last = steps.at(-1);
        // The API's host, not the URL: a path or query string may carry identifiers.
        const hosts = Array.isArray(sink.apiUrl) ? [...new Set(sink.apiUrl.filter((url): url is string => typeof url === 'string').map(normaliseHost))] : [];
        const base = {
          vendor: typeof sink.id === 'string' && /^ThirdParties\.API\./i.test(sink.id) ? sink.id : name,
          dataTypes: [flow.sourceId as string],
          file: typeof last?.fileName === 'string' ? last.fileName : file,
          line: typeof last?.lineNumber === 'number' && last.lineNumber > 0 ? last.lineNumber : undefined,
          tool: 'privado',
        };
        items.push(...(hosts.length > 0 ? hosts.map((host) => ({ ...base, host })) : [base]));
      });
    },
  );
  if (!topLevelKeys.has('dataFlow')) throw new EvidenceFileInvalid(file, 'not a Privado report: it has no "dataFlow" (run privado scan; the result is .privado/privado.json)', 1);
  const version = meta.privadoCoreVersion ?? meta.privadoCLIVersion;
  const git = meta.gitMetadata as { commitId?: unknown } | undefined;
  return {
    items: typeof version === 'string' ? items.map((item) => ({ ...item, toolVersion: version })) : items,
    repository: typeof meta.repoName === 'string' ? meta.repoName : undefined,
    commit: typeof git?.commitId === 'string' && git.commitId ? git.commitId : undefined,
  };
}
