/**
 * OneBot v11 message segments (the array format) and the CQ-code string format (message/array.md,
 * message/string.md): builders for the events the simulator sends, the encoder for string-format
 * events, and the decoders tests use to read what the bridge sent.
 */

/** One segment of the array format; `data` values are strings, except inside forward nodes. */
export interface Segment {
  type: string;
  data: Record<string, unknown>;
}

/** Segment builders for composing incoming messages: `[seg.at(bot), seg.text(' hi')]`. */
export const seg = {
  text: (text: string): Segment => ({ type: 'text', data: { text } }),
  at: (qq: number | 'all'): Segment => ({ type: 'at', data: { qq: String(qq) } }),
  reply: (messageId: number): Segment => ({ type: 'reply', data: { id: String(messageId) } }),
  face: (id: number): Segment => ({ type: 'face', data: { id: String(id) } }),
  image: (file: string, url?: string): Segment => ({ type: 'image', data: url ? { file, url } : { file } }),
};

/** Plain text escapes: `&`, `[`, `]` (message/string.md). */
export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/\[/g, '&#91;').replace(/]/g, '&#93;');
}

/** Parameter values also escape `,`, which separates parameters. */
export function escapeParam(value: string): string {
  return escapeText(value).replace(/,/g, '&#44;');
}

/** Encodes segments as a CQ-code string: text escaped, every other segment as `[CQ:type,k=v,…]`. */
export function encodeCq(segments: Segment[]): string {
  return segments
    .map(({ type, data }) => {
      if (type === 'text') return escapeText(String(data.text ?? ''));
      const params = Object.entries(data ?? {}).map(([k, v]) => `,${k}=${escapeParam(String(v))}`);
      return `[CQ:${type}${params.join('')}]`;
    })
    .join('');
}

/** The text segments of an array-format message, joined (other segments are left out). */
export function textOf(message: unknown): string {
  if (!Array.isArray(message)) throw new Error(`not an array-format message: ${JSON.stringify(message)}`);
  return message
    .filter((s: Segment) => s?.type === 'text')
    .map((s: Segment) => String(s.data.text))
    .join('');
}

/** The text of each node of a forward message (`send_*_forward_msg`'s `messages`). */
export function forwardTexts(messages: unknown): string[] {
  if (!Array.isArray(messages)) throw new Error(`not a list of nodes: ${JSON.stringify(messages)}`);
  return messages.map((node: Segment) => textOf(node.data.content));
}
