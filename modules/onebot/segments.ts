/**
 * OneBot v11 messages (message/array.md, string.md, segment.md): events carry the array format or a
 * CQ-code string, and both are read into one segment list; the bridge sends arrays only.
 */

/** One segment; `data` values are strings in the array format (numbers some implementations send are read as strings). */
export interface Segment {
  type: string;
  data: Record<string, string>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Undoes the CQ escapes: `&#91;` `[`, `&#93;` `]`, `&#44;` `,`, and `&amp;` last, so `&amp;#91;` stays `&#91;`. */
function unescapeCq(text: string): string {
  return text.replace(/&#91;/g, '[').replace(/&#93;/g, ']').replace(/&#44;/g, ',').replace(/&amp;/g, '&');
}

/** One `[CQ:type,k=v,…]` body (between `[CQ:` and `]`); parameters split on `,`, each at its first `=`. */
function cqSegment(body: string): Segment | undefined {
  const [type, ...params] = body.split(',');
  if (!type) return undefined;
  const data: Record<string, string> = {};
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq <= 0) continue;
    data[param.slice(0, eq)] = unescapeCq(param.slice(eq + 1));
  }
  return { type, data };
}

/** Reads a CQ-code string into segments; an unclosed `[CQ:` is text. */
export function parseCq(text: string): Segment[] {
  const out: Segment[] = [];
  const pushText = (t: string) => {
    if (t) out.push({ type: 'text', data: { text: unescapeCq(t) } });
  };
  let at = 0;
  for (;;) {
    const start = text.indexOf('[CQ:', at);
    const end = start === -1 ? -1 : text.indexOf(']', start);
    if (end === -1) {
      pushText(text.slice(at));
      return out;
    }
    pushText(text.slice(at, start));
    const segment = cqSegment(text.slice(start + 4, end));
    if (segment) out.push(segment);
    at = end + 1;
  }
}

/** Reads an event's `message` in either format; an item that is not `{type, data}` is skipped. */
export function parseMessage(message: unknown): Segment[] {
  if (typeof message === 'string') return parseCq(message);
  if (!Array.isArray(message)) return [];
  const out: Segment[] = [];
  for (const item of message) {
    if (!isObject(item) || typeof item.type !== 'string') continue;
    const data: Record<string, string> = {};
    if (isObject(item.data)) {
      for (const [key, value] of Object.entries(item.data)) if (typeof value === 'string' || typeof value === 'number') data[key] = String(value);
    }
    out.push({ type: item.type, data });
  }
  return out;
}

/**
 * The text a message says, for triggers and the model: its text segments, with `@<qq>` for a mention
 * of someone else; a mention of the bot and segments without text (images, faces) are left out.
 */
export function textOf(segments: Segment[], selfId: string): string {
  let text = '';
  for (const s of segments) {
    if (s.type === 'text') text += s.data.text ?? '';
    else if (s.type === 'at' && s.data.qq !== selfId) text += `@${s.data.qq ?? ''}`;
  }
  return text.trim();
}

export const mentions = (segments: Segment[], selfId: string) => segments.some((s) => s.type === 'at' && s.data.qq === selfId);

/** The message id a `reply` segment quotes, if any. */
export function quotedId(segments: Segment[]): number | undefined {
  const id = Number(segments.find((s) => s.type === 'reply')?.data.id);
  return Number.isSafeInteger(id) ? id : undefined;
}

export const text = (t: string): Segment => ({ type: 'text', data: { text: t } });
export const reply = (messageId: number): Segment => ({ type: 'reply', data: { id: String(messageId) } });
export const at = (qq: string): Segment => ({ type: 'at', data: { qq } });
