import { expect } from 'chai';
import { parseSse, sseJson } from '../../../lib/llm/sse.ts';

async function* from(chunks: string[]): AsyncGenerator<string> {
  for (const c of chunks) yield c;
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('lib/llm parseSse', () => {
  it('joins frames cut in the middle of a line and of a field name', async () => {
    const frames = await collect(parseSse(from(['da', 'ta: {"a":', '1}\n', '\nev', 'ent: x\ndata: 2\n\n'])));
    expect(frames).to.deep.equal([{ event: undefined, data: '{"a":1}' }, { event: 'x', data: '2' }]);
  });

  it('handles CRLF line ends split between chunks', async () => {
    const frames = await collect(parseSse(from(['data: 1\r', '\n\r', '\ndata: 2\r\n\r\n'])));
    expect(frames.map((f) => f.data)).to.deep.equal(['1', '2']);
  });

  it('joins several data lines with a newline and skips comments', async () => {
    const frames = await collect(parseSse(from([': ping\n\ndata: a\ndata: b\n\n'])));
    expect(frames).to.deep.equal([{ event: undefined, data: 'a\nb' }]);
  });

  it('yields a last frame that lacks its blank line', async () => {
    const frames = await collect(parseSse(from(['data: last'])));
    expect(frames.map((f) => f.data)).to.deep.equal(['last']);
  });

  it('stops at [DONE] and skips non-JSON noise', async () => {
    const items = await collect(sseJson(from(['data: {"n":1}\n\ndata: oops\n\ndata: [DONE]\n\ndata: {"n":2}\n\n'])));
    expect(items.map((i) => i.data)).to.deep.equal([{ n: 1 }]);
  });
});
