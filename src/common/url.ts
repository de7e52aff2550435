/**
 * Links the map stores and its pages show (a processor's website, DPA and DPF certification links): only absolute
 * web URLs, so that no stored value becomes script (`javascript:`), an inline document (`data:`) or a link to a host
 * the reader did not see (`//host`, `https:host`, a backslash that browsers read as a slash). One check for every
 * entry point (API inputs, manifests, the seed) and every page that renders a link.
 */

/** `https://` or `http://` then a host, as written: the URL parser would otherwise repair `https:host` or `\\host`. */
const WEB_URL_START = /^https?:\/\/[^/\\?#\s]/i;
/** Whitespace, controls and backslashes, which the URL parser drops or reads as something else. */
const UNSAFE_CHARACTERS = /[\s\u0000-\u001F\u007F\\]/;

/** Whether `text` is an absolute `https:` or `http:` URL with a host, written as such. */
export function isWebUrl(text: string | null | undefined): text is string {
  if (!text || !WEB_URL_START.test(text) || UNSAFE_CHARACTERS.test(text)) return false;
  try {
    const url = new URL(text);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/**
 * Whether `text` is written as a link: a scheme (`javascript:`, `data:`, `https:`), or `//` or a backslash that a
 * browser resolves against the page. Fields that take either a link or a plain reference (a DPA's name, a DPF
 * organisation id) check such text as a link.
 */
export function looksLikeLink(text: string | null | undefined): boolean {
  return Boolean(text && /^\s*([a-z][a-z0-9+.-]*:|[/\\]{2})/i.test(text));
}

/** The rule a URL field's value breaks, for a message that names the field and the value; null when it is a web URL. */
export function webUrlProblem(value: string): string | null {
  return isWebUrl(value) ? null : `${JSON.stringify(value)} is not an absolute https: or http: URL (such as https://stripe.com)`;
}
