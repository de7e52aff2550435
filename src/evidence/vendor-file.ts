import { LineCounter, parseDocument } from 'yaml';
import { lineOf, ManifestInvalid, pathOf } from '../manifest/manifest.service';
import { vendorEntry, vendorFileSchema, type VendorEntry } from './vendor-catalogue';

/**
 * A repository's datamap.vendors.yaml: its own catalogue entries, in the catalogue's format. Every problem is
 * reported at once with its path and line, as a manifest's are.
 */
export function readVendorFile(text: string, source: string): VendorEntry[] {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (document.errors.length > 0) {
    throw new ManifestInvalid(
      source,
      document.errors.map((e) => ({ path: '(yaml)', message: e.message.split('\n')[0], line: lines.linePos(e.pos[0]).line })),
    );
  }
  const parsed = vendorFileSchema.safeParse(document.toJS() ?? {});
  if (!parsed.success) {
    throw new ManifestInvalid(
      source,
      parsed.error.issues.flatMap((issue) =>
        (issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...issue.path, key]) : [issue.path]).map((segments) => ({
          path: pathOf(segments) || '(root)',
          message: issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message,
          line: lineOf(document, lines, segments),
        })),
      ).sort((a, b) => (a.line ?? 0) - (b.line ?? 0)),
    );
  }
  return parsed.data.vendors.map((entry) => vendorEntry(entry, 'REPOSITORY'));
}
