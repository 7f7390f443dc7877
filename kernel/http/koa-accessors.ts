/**
 * Koa accessors that every request goes through, answering exactly as Koa does for less work.
 *
 * - `response.type = …`: Koa 3 looks the type up in mime-db and builds a new `…; charset=…` string on
 *   every assignment (every JSON body makes one), which the header check must then flatten through
 *   a slow path. The header it sets depends on the argument only, so each argument's is remembered,
 *   as Koa 2 did with cache-content-type.
 * - `request.host`: @koa/router reads it for every request, to compare with a host option the kernel
 *   does not set, and Koa splits the header on commas to get it. A plain Host header is its own answer.
 * - `response.body = {…}`: before taking an object as JSON, Koa 3 asks whether it is a fetch
 *   `Response` — and reading the global `Response` loads Node's fetch implementation (undici), about
 *   5 MB of an idle server's memory on Node 20, for a class no route answers with. A plain object or
 *   array is JSON whatever it is not, so it takes Koa's JSON branch directly.
 * - The context's most read names (`c.path`, `c.body`, `c.set()`…) forward to the request and
 *   response as Koa's do, each through its own function (see forwardHotNamesDirectly).
 */
import type Koa from 'koa';

// Types are few (json, html, text, a module's own); past this many, new ones are not remembered.
const MAX_REMEMBERED_TYPES = 100;

export function speedUpKoaAccessors(app: Koa): void {
  const koaType = accessorOf(app.response, 'type');
  // null: Koa removed the header for that argument (a type it does not know).
  const headerOfType = new Map<string, string | null>();
  Object.defineProperty(app.response, 'type', {
    configurable: true,
    get: koaType.get,
    set(this: Koa.Response, type: unknown) {
      const header = typeof type === 'string' ? headerOfType.get(type) : undefined;
      if (header === null) this.remove('Content-Type');
      else if (header !== undefined) this.set('Content-Type', header);
      else {
        koaType.set!.call(this, type);
        // Once the headers are sent Koa changes nothing, so there is nothing to learn.
        if (typeof type === 'string' && !this.headerSent && headerOfType.size < MAX_REMEMBERED_TYPES) {
          const set = this.res.getHeader('Content-Type');
          headerOfType.set(type, typeof set === 'string' ? set : null);
        }
      }
    },
  });

  const koaBody = accessorOf(app.response, 'body');
  Object.defineProperty(app.response, 'body', {
    configurable: true,
    get: koaBody.get,
    set(this: Koa.Response & { _body: unknown; _explicitStatus?: boolean }, body: unknown) {
      // Koa's own way for anything else, and when a stream it must clean up is being replaced.
      if (!isPlainJson(body) || isStreamLike(this._body)) {
        koaBody.set!.call(this, body);
        return;
      }
      // Koa's JSON branch, as it is.
      this._body = body;
      if (!this._explicitStatus) this.status = 200;
      this.remove('Content-Length');
      const type = this.type;
      if (!type || !/\bjson\b/i.test(type)) this.type = 'json';
    },
  });

  forwardHotNamesDirectly(app);

  const koaHost = accessorOf(app.request, 'host');
  Object.defineProperty(app.request, 'host', {
    configurable: true,
    get(this: Koa.Request) {
      const header = this.req.headers.host;
      // Koa's own way when a proxy or HTTP/2 may name the host, or the header needs splitting or parsing.
      if (this.app.proxy || this.req.httpVersionMajor >= 2 || typeof header !== 'string' || header.includes(',') || header.includes('@')) {
        return koaHost.get!.call(this);
      }
      return header.trim();
    },
  });
}

/** An object Koa answers as JSON whatever else it checks for: a plain object (or one without a prototype) or an array. */
export function isPlainJson(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null || Array.isArray(value);
}

const isStreamLike = (value: unknown) => typeof (value as { pipe?: unknown } | null)?.pipe === 'function';

/** The accessor `name` as Koa defines it, on `target`'s prototype chain. */
function accessorOf(target: object, name: string): PropertyDescriptor {
  for (let o: object | null = target; o; o = Object.getPrototypeOf(o)) {
    const descriptor = Object.getOwnPropertyDescriptor(o, name);
    if (descriptor?.get) return descriptor;
  }
  throw new Error(`Koa no longer defines the accessor "${name}"`);
}

/**
 * Koa's context forwards its names to the request and response through functions made from one
 * source (`this[target][name]`), which share their type feedback: V8 finds each of those reads a
 * different property every time (megamorphic) and looks it up by hash, several times a request,
 * 2-3 % of a status request's CPU (perf). The names read on every request get a function each here,
 * forwarding the same way.
 */
function forwardHotNamesDirectly(app: Koa): void {
  type C = Koa.Context;
  type Headers = Parameters<Koa.Response['set']>[0];
  // As Koa's own: enumerable and configurable.
  const as = { configurable: true, enumerable: true };
  Object.defineProperties(app.context, {
    path: { ...as, get(this: C) { return this.request.path; }, set(this: C, v: string) { this.request.path = v; } },
    method: { ...as, get(this: C) { return this.request.method; }, set(this: C, v: string) { this.request.method = v; } },
    host: { ...as, get(this: C) { return this.request.host; } },
    body: { ...as, get(this: C) { return this.response.body; }, set(this: C, v: unknown) { this.response.body = v; } },
    status: { ...as, get(this: C) { return this.response.status; }, set(this: C, v: number) { this.response.status = v; } },
    type: { ...as, get(this: C) { return this.response.type; }, set(this: C, v: string) { this.response.type = v; } },
    writable: { ...as, get(this: C) { return this.response.writable; } },
    headerSent: { ...as, get(this: C) { return this.response.headerSent; } },
    // Both of Koa's forms: set(name, value) and set({ name: value, … }).
    set: { ...as, writable: true, value(this: C, field: string | Headers, val?: string | string[]) { this.response.set(field as string, val as string); } },
  });
}
