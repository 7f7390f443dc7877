// prom-client's default metrics one by one (its lib/metrics files, which it ships untyped): each
// registers its metrics on `registry`.
declare module 'prom-client/lib/metrics/*.js' {
  import type { Registry } from 'prom-client';

  const register: (registry: Registry, config?: Record<string, unknown>) => void;
  export default register;
}
