/** The kernel's public surface for modules: import runtime values from here only. */
import type { ModuleDefinition } from './types.ts';

export { HttpError, notFound, badRequest } from './errors.ts';
export { isMasked, looksSecret, maskCredentials, maskKey, maskUrl, unmaskKey, unmaskUrl } from './mask.ts';
export { plainDataProblem } from './plain-data.ts';
export { readYaml, YamlError } from './yaml.ts';
export { EVENT_STREAM_HEADERS, holdEventStream } from './sse.ts';
export { requestBody } from './http/request-body.ts';
export type * from './types.ts';

/** Identity function that gives a module's export its type. */
export function defineModule<T extends ModuleDefinition>(definition: T): T {
  return definition;
}
