/**
 * Long replies (docs/bot.md#replies, `output.longText`): cut into parts no longer than the
 * threshold, at a line break or a space when one is near the end, never inside a surrogate pair;
 * sent as parts or as the nodes of one forward message.
 */
import { text, type Segment } from './segments.ts';

/** Parts of at most `max` UTF-16 units each, in order; their concatenation is `input` up to the whitespace cut at. */
export function splitText(input: string, max: number): string[] {
  const parts: string[] = [];
  let rest = input;
  while (rest.length > max) {
    let cut = Math.max(rest.lastIndexOf('\n', max), rest.lastIndexOf(' ', max));
    // Only a break in the second half is worth it; else cut where the limit is.
    if (cut < max / 2) cut = max;
    if (/[\uD800-\uDBFF]/.test(rest[cut - 1] ?? '')) cut -= 1;
    const part = rest.slice(0, cut).trimEnd();
    if (part) parts.push(part);
    rest = rest.slice(cut).replace(/^[ \n]/, '');
  }
  if (rest.trim()) parts.push(rest);
  return parts;
}

/** A custom node of `send_*_forward_msg` (its data holds segments, not strings). */
export interface ForwardNode {
  type: 'node';
  data: { user_id: string; nickname: string; content: Segment[] };
}

/** Custom forward nodes, each part as the bot's own message. */
export function forwardNodes(parts: string[], selfId: string, nickname: string): ForwardNode[] {
  return parts.map((part) => ({ type: 'node', data: { user_id: selfId, nickname, content: [text(part)] } }));
}
