/** Test helper for Server-Sent Events read with fetch. */

/** Reads SSE frames from a fetch response until `until` returns true for the frames so far. */
export async function readFrames(res: Response, until: (frames: string[]) => boolean, ms = 3000): Promise<string[]> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const frames: string[] = [];
  const deadline = Date.now() + ms;
  let pending: Promise<ReadableStreamReadResult<Uint8Array>> | undefined;
  while (!until(frames)) {
    if (Date.now() > deadline) throw new Error(`timed out; frames so far: ${JSON.stringify(frames)}`);
    pending ??= reader.read();
    const tick = await Promise.race([pending, new Promise<null>((r) => setTimeout(() => r(null), 200))]);
    if (!tick) continue;
    pending = undefined;
    const { value, done } = tick;
    if (done) break;
    if (value) buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      frames.push(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
    }
  }
  await reader.cancel();
  return frames;
}
