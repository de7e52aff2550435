import { isWebUrl } from '../common/url';
import type { PublishedLocation, SubprocessorChange, SubprocessorList } from './subprocessor.service';

/**
 * Escapes text for XML and HTML content and attribute values; characters XML 1.0 forbids (C0 controls other than
 * tab, newline and carriage return) are dropped, since no escape can carry them.
 */
export function escapeMarkup(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const e = escapeMarkup;

function safeguardOf(location: PublishedLocation): string {
  if (location.inEEA) return 'Inside the EEA';
  if (!location.mechanism) return 'No mechanism recorded';
  return location.reference ? `${location.mechanism} (${location.reference})` : location.mechanism;
}

const TITLES: Record<SubprocessorChange['kind'], string> = { ADDED: 'Added', COUNTRY_ADDED: 'New country', RETIRED: 'Retired' };
const CATEGORIES: Record<SubprocessorChange['kind'], string> = { ADDED: 'added', COUNTRY_ADDED: 'country-added', RETIRED: 'retired' };

/** A country on the page: "from <date>" while its notice runs. */
const countryText = (l: PublishedLocation) => (l.pending && l.effectiveFrom ? `${l.countryName} (from ${l.effectiveFrom.slice(0, 10)})` : l.countryName);

/**
 * An Atom feed (RFC 4287): one entry per change of the list, newest first, with ids that never change. Links
 * start with `baseUrl` (PUBLIC_URL), or are relative to the feed when it is '' (RFC 4287 section 2 allows both).
 */
export function toAtom(list: SubprocessorList, baseUrl: string): string {
  const updated = list.changes[0]?.at ?? list.generatedAt;
  const entries = list.changes.map(
    (change) => `  <entry>
    <id>${e(change.id)}</id>
    <title>${e(`${TITLES[change.kind]}: ${change.name}${change.service ? ` (${change.service})` : ''}${change.kind === 'COUNTRY_ADDED' ? `, ${change.countries.join(', ')}` : ''}`)}</title>
    <updated>${e(change.at)}</updated>
    <published>${e(change.at)}</published>
    <link rel="alternate" type="text/html" href="${e(`${baseUrl}/subprocessors#${change.processor}`)}"/>
    <category term="${CATEGORIES[change.kind]}"/>
    <summary type="text">${e(change.summary)}</summary>
  </entry>`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${e(list.feedId)}</id>
  <title>${e(`${list.controller}: recipients of personal data`)}</title>
  <subtitle>${e(`The service providers that receive personal data from ${list.controller} (GDPR Art. 13(1)(e) and (f)), and every change to the list, with the date it takes effect.`)}</subtitle>
  <updated>${e(updated)}</updated>
  <author><name>${e(list.controller)}</name></author>
  <link rel="self" type="application/atom+xml" href="${e(`${baseUrl}/subprocessors.atom`)}"/>
  <link rel="alternate" type="text/html" href="${e(`${baseUrl}/subprocessors`)}"/>
${entries.join('\n')}
</feed>
`;
}

/**
 * The list as a page anyone can read, without a token: the recipients of personal data (Art. 13(1)(e)), where they
 * process it and under which safeguard (Art. 13(1)(f)), and the changes. It says what the policy promises about
 * changes, in the policy's words, and where to raise a concern: the policy's contact. Nothing more.
 */
/**
 * The page's only style, inline so that the page is one file for whoever saves it; the Content-Security-Policy
 * allows exactly this text by its hash (src/server/transport.ts).
 */
export const PAGE_STYLE =
  'body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse;width:100%}' +
  'td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}';

export function toHtml(list: SubprocessorList): string {
  const rows = list.processors.map(
    (p) => `      <tr id="${e(p.key)}">
        <td>${isWebUrl(p.website) ? `<a href="${e(p.website)}" rel="noopener noreferrer">${e(p.name)}</a>` : e(p.name)}${p.legalName ? `<br><small>${e(p.legalName)}</small>` : ''}</td>
        <td>${e(p.service)}</td>
        <td>${p.locations.map((l) => e(countryText(l))).join('<br>')}</td>
        <td>${p.locations.map((l) => e(safeguardOf(l))).join('<br>')}</td>
        <td>${p.addedAt ? e(p.addedAt.slice(0, 10)) : 'with the initial list'}${p.pending && p.effectiveFrom ? `<br><strong>from ${e(p.effectiveFrom.slice(0, 10))}</strong>` : ''}</td>
      </tr>`,
  );
  const changes = list.changes.map(
    (c) => `      <li><time datetime="${e(c.at)}">${e(c.at.slice(0, 10))}</time> ${e(c.summary)}</li>`,
  );
  const promise = list.changeNotice
    ? `<p>Our privacy policy says: &ldquo;${e(list.changeNotice)}&rdquo; Each change below shows the date from which it takes effect.</p>`
    : '<p>Each change below shows the date from which it takes effect.</p>';
  const contact = list.contact
    ? `<p>Questions or concerns about these recipients: <a href="mailto:${e(list.contact)}">${e(list.contact)}</a>.</p>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>${e(list.controller)}: recipients of personal data</title>
  <link rel="alternate" type="application/atom+xml" title="Changes" href="/subprocessors.atom">
  <style>${PAGE_STYLE}</style>
</head>
<body>
  <h1>${e(list.controller)}: recipients of personal data</h1>
  <p>The service providers that receive personal data from ${e(list.controller)}, the countries where they process it and the safeguard for each. Follow changes through the <a href="/subprocessors.atom">Atom feed</a>, or read the list as <a href="/subprocessors.json">JSON</a>.</p>
  ${promise}
  ${contact}
  <table>
    <thead><tr><th>Recipient</th><th>Service</th><th>Countries</th><th>Safeguards</th><th>Added</th></tr></thead>
    <tbody>
${rows.join('\n')}
    </tbody>
  </table>
  <h2>Changes</h2>
  <ul>
${changes.join('\n') || '      <li>No changes since the initial list.</li>'}
  </ul>
  <p><small>As of ${e(list.generatedAt)}.</small></p>
</body>
</html>
`;
}
