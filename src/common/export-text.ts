import { stringify } from 'csv-stringify/sync';

/**
 * Characters that make a spreadsheet read a cell as a formula (or, for tab and carriage return, shift it into
 * one), as OWASP's CSV-injection guidance lists them: https://owasp.org/www-community/attacks/CSV_Injection
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A cell a spreadsheet shows as text: one starting like a formula gets OWASP's leading single quote. */
export function neutraliseCsvCell(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/**
 * RFC 4180 CSV (CRLF, every cell quoted, quotes doubled), UTF-8 with a byte-order mark so that spreadsheets pick
 * the encoding, and every cell neutralised: the one way this service writes CSV.
 */
export function toSafeCsv(rows: readonly (readonly string[])[]): string {
  return stringify(
    rows.map((row) => row.map(neutraliseCsvCell)),
    { bom: true, record_delimiter: 'windows', quoted: true },
  );
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * Text for a Markdown table cell: HTML is escaped (so `<script>` or `<img onerror>` is shown, not run; with no `<`
 * no tag or autolink can start), the brackets that build a link and the pipe that ends a cell are backslash-escaped
 * (and the backslash itself), and every kind of line break
 * (CRLF, LF, a lone CR, U+0085, U+2028, U+2029, vertical tab, form feed) becomes `<br>`, so a row stays one row.
 */
export function markdownCell(text: string): string {
  return text
    .replace(/[&<>]/g, (character) => HTML_ENTITIES[character])
    .replace(/[\\[\]|]/g, (character) => `\\${character}`)
    .replace(/\r\n|[\n\r\v\f\u0085\u2028\u2029]/g, '<br>');
}
