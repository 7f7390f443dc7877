/**
 * Answers that are ready during one turn of the event loop are sent together, at the end of the
 * turn (its check phase), instead of each the moment it is ready.
 *
 * Why: the server listens on loopback unless HOST says otherwise, so its clients — a reverse proxy,
 * the panel's browser, scripts — run on the same machine. A write to a client that sleeps waiting
 * for its answer must wake it on another CPU, and that wake-up, paid inside the write, cost more
 * than the kernel's whole request handling under load (a virtual machine makes it dearer still).
 * Sent back to back, one turn's answers find the client already awake. A lone request waits no
 * longer: the check phase follows at once the poll phase in which it was handled.
 */
import type { Middleware } from 'koa';

/** A queue whose calls run together at the end of the current event-loop turn, in call order. */
export function endOfTurnQueue(): (send: () => void) => void {
  let waiting: Array<() => void> = [];
  const release = () => {
    const ready = waiting;
    waiting = [];
    for (const send of ready) send();
  };
  return (send) => {
    if (waiting.push(send) === 1) setImmediate(release);
  };
}

export function sendTogether(): Middleware {
  const atEndOfTurn = endOfTurnQueue();
  const endOfTurn = () => new Promise<void>(atEndOfTurn);
  // Koa writes the answer when this promise settles. A throw skips the wait: the envelope has turned
  // every ordinary error into an answer before it gets here.
  return function sendTogetherMiddleware(_c, next) {
    return next().then(endOfTurn);
  };
}
