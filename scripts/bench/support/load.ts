/** A steady autocannon load that runs until stopped, for measuring something else while it runs. */
import autocannon from 'autocannon';

export interface SteadyLoad {
  /** Stops the load; resolves the requests sent and those that failed (connection errors, timeouts, non-2xx). */
  stop(): Promise<{ requests: number; failed: number }>;
}

export function startLoad(url: string, connections: number, headers: Record<string, string> = {}): SteadyLoad {
  let instance: autocannon.Instance;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon({ url, connections, headers, duration: 3600 }, (err, result) => (err ? reject(err) : resolve(result)));
  });
  return {
    async stop() {
      instance.stop();
      const result = await finished;
      return { requests: result.requests.total, failed: result.errors + result.non2xx };
    },
  };
}
