// One global progress bar: shown while any request has been running for more than a moment.
let running = 0;
let timer = null;
const listeners = new Set();

function emit() {
  for (const fn of listeners) fn(running > 0);
}

/** Marks one request as running; call the returned function when it ends. */
export function progress() {
  running += 1;
  if (running === 1) timer = setTimeout(emit, 150);
  let ended = false;
  return () => {
    if (ended) return;
    ended = true;
    running -= 1;
    if (running === 0) {
      clearTimeout(timer);
      emit();
    }
  };
}

export function onProgress(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
