import { isWebUrl } from '../common/url';
import type { PublishedLocation, SubprocessorList } from './subprocessor.service';

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

/**
 * An Atom feed (RFC 4287): one entry per approval or retirement, newest first, with ids that never change. Links
 * start with `baseUrl` (PUBLIC_URL), or are relative to the feed when it is '' (RFC 4287 section 2 allows both).
 */
export function toAtom(list: SubprocessorList, baseUrl: string): string {
  const updated = list.changes[0]?.at ?? list.generatedAt;
  const entries = list.changes.map(
    (change) => `  <entry>
    <id>${e(change.id)}</id>
    <title>${e(`${change.kind === 'ADDED' ? 'Added' : 'Retired'}: ${change.name}${change.service ? ` (${change.service})` : ''}`)}</title>
    <updated>${e(change.at)}</updated>
    <published>${e(change.at)}</published>
    <link rel="alternate" type="text/html" href="${e(`${baseUrl}/subprocessors#${change.processor}`)}"/>
    <category term="${change.kind.toLowerCase()}"/>
    <summary type="text">${e(change.summary)}</summary>
  </entry>`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${e(list.feedId)}</id>
  <title>${e(`${list.controller} sub-processors`)}</title>
  <subtitle>${e(`Sub-processors that process personal data for ${list.controller}, and every change to the list (GDPR Art. 28(2) and (4)).`)}</subtitle>
  <updated>${e(updated)}</updated>
  <author><name>${e(list.controller)}</name></author>
  <link rel="self" type="application/atom+xml" href="${e(`${baseUrl}/subprocessors.atom`)}"/>
  <link rel="alternate" type="text/html" href="${e(`${baseUrl}/subprocessors`)}"/>
${entries.join('\n')}
</feed>
`;
}

/** The list as a page anyone can read, without a token. */
export function toHtml(list: SubprocessorList): string {
  const rows = list.processors.map(
    (p) => `      <tr id="${e(p.key)}">
        <td>${isWebUrl(p.website) ? `<a href="${e(p.website)}" rel="noopener noreferrer">${e(p.name)}</a>` : e(p.name)}${p.legalName ? `<br><small>${e(p.legalName)}</small>` : ''}</td>
        <td>${e(p.service)}</td>
        <td>${p.locations.map((l) => e(l.countryName)).join('<br>')}</td>
        <td>${p.locations.map((l) => e(safeguardOf(l))).join('<br>')}</td>
        <td>${p.addedAt ? e(p.addedAt.slice(0, 10)) : 'with the initial list'}${p.pending && p.effectiveFrom ? `<br><strong>in effect from ${e(p.effectiveFrom.slice(0, 10))}</strong>` : ''}</td>
      </tr>`,
  );
  const changes = list.changes.map(
    (c) => `      <li><time datetime="${e(c.at)}">${e(c.at.slice(0, 10))}</time> ${e(c.summary)}</li>`,
  );
  const notice =
    list.noticeDays > 0
      ? `<p>A new sub-processor is announced here ${list.noticeDays} days before any personal data flows to it, so that you can object.</p>`
      : '';
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>${e(list.controller)} sub-processors</title>
  <link rel="alternate" type="application/atom+xml" title="Changes" href="/subprocessors.atom">
  <style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}</style>
</head>
<body>
  <h1>${e(list.controller)} sub-processors</h1>
  <p>The companies that process personal data on behalf of ${e(list.controller)}, where they process it and under which safeguard. Follow changes through the <a href="/subprocessors.atom">Atom feed</a>, or read the list as <a href="/subprocessors.json">JSON</a>.</p>
  ${notice}
  <table>
    <thead><tr><th>Sub-processor</th><th>Service</th><th>Countries</th><th>Safeguards</th><th>Added</th></tr></thead>
    <tbody>
${rows.join('\n')}
    </tbody>
  </table>
  <h2>Recent changes</h2>
  <ul>
${changes.join('\n') || '      <li>No changes since the initial list.</li>'}
  </ul>
  <p><small>As of ${e(list.generatedAt)}.</small></p>
</body>
</html>
`;
}
