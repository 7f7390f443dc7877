/**
 * Readable text from an HTML page for an LLM: scripts, styles and other invisible parts removed,
 * block elements as line breaks, entities decoded, whitespace collapsed. Not a full HTML parser, but
 * one forward scan with indexOf: the page comes from anywhere, and patterns such as `<[^>]*>` or
 * lazy `[\s\S]*?` take quadratic time on a page full of unclosed tags.
 */

const ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', copy: '©', reg: '®', trade: '™', hellip: '…',
  mdash: '—', ndash: '–', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', laquo: '«', raquo: '»', middot: '·',
  bull: '•', euro: '€', pound: '£', yen: '¥', cent: '¢', sect: '§', deg: '°', times: '×', divide: '÷', para: '¶',
};

/** Elements whose content is never shown. */
const INVISIBLE = new Set(['script', 'style', 'noscript', 'template', 'svg', 'iframe', 'object', 'canvas']);
/** Elements that start a new line. */
const BLOCK = new Set([
  'p', 'div', 'section', 'article', 'main', 'aside', 'header', 'footer', 'nav', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol',
  'dl', 'dt', 'dd', 'table', 'thead', 'tbody', 'tr', 'blockquote', 'pre', 'figure', 'figcaption', 'form', 'fieldset', 'address', 'hr',
]);
const TAG_NAME = /^<(\/?)([a-zA-Z][a-zA-Z0-9-]{0,30})/;

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** Title and visible text of `html`, in time linear in its length. */
export function htmlToText(html: string): { title: string; text: string } {
  const lower = html.toLowerCase();
  const parts: string[] = [];
  let title = '';
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) {
      parts.push(html.slice(i));
      break;
    }
    parts.push(html.slice(i, lt));
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      if (end < 0) break; // an unclosed comment hides the rest
      i = end + 3;
      continue;
    }
    const next = html[lt + 1] ?? '';
    if (!/[a-zA-Z/!?]/.test(next)) {
      parts.push('<'); // a lone "<" in text
      i = lt + 1;
      continue;
    }
    const gt = html.indexOf('>', lt + 1);
    if (gt < 0) break; // an unclosed tag: nothing visible follows
    i = gt + 1;
    const tag = TAG_NAME.exec(html.slice(lt, Math.min(gt + 1, lt + 34)));
    if (!tag) continue; // <!doctype>, <?xml?>
    const closing = tag[1] === '/';
    const name = tag[2].toLowerCase();
    if (!closing && (INVISIBLE.has(name) || name === 'title')) {
      const close = lower.indexOf(`</${name}`, i);
      if (name === 'title') title = html.slice(i, close < 0 ? html.length : close);
      if (close < 0) break;
      const end = html.indexOf('>', close);
      i = end < 0 ? html.length : end + 1;
    } else if (name === 'br') parts.push('\n');
    else if (name === 'li' && !closing) parts.push('\n- ');
    else if ((name === 'td' || name === 'th') && closing) parts.push(' ');
    else if (BLOCK.has(name)) parts.push('\n');
  }
  const text = decodeEntities(parts.join(''))
    .replace(/[ \t\f\v\u00a0]+/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return { title: decodeEntities(title).replace(/\s+/g, ' ').trim(), text };
}
