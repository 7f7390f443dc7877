/**
 * What a module gets of the configuration service. Every module: `ctx.config`, to read values, change
 * them and hear changes. The module named `config`, which serves the configuration API, also gets
 * `ctx.configAdmin`: the schema, import, validation, history and rollback of the whole document, so
 * that no other module can replace or roll back everything by accident. Both are plain objects of
 * picked functions: nothing else of the service (declaring sections, closing it) is reachable.
 */
import type { ConfigAdmin, ModuleConfig } from '../types.ts';
import type { KernelConfigService } from './service.ts';

/** The module that serves the configuration API. */
export const CONFIG_MODULE = 'config';

type OnChange = ModuleConfig['onChange'];

/** `ctx.config`; `onChange` is the module's own (its listeners are released with the version). */
export function moduleConfig(service: KernelConfigService, onChange: OnChange): ModuleConfig {
  return Object.freeze({ get: service.get, update: (partial: Record<string, unknown>) => service.update(partial), onChange });
}

/** `ctx.configAdmin`, for the module named `config` only. */
export function configAdmin(service: KernelConfigService, onChange: OnChange): ConfigAdmin {
  const { get, version, replace, replaceSection, unset, validate, reload, history, at, rollback, masked, toYaml, parseYaml } = service;
  return Object.freeze({
    get schema() {
      return service.schema;
    },
    get sections() {
      return service.sections;
    },
    get,
    update: (partial: Record<string, unknown>) => service.update(partial),
    onChange,
    version,
    replace,
    replaceSection,
    unset,
    validate,
    reload,
    history,
    at,
    rollback,
    masked,
    toYaml,
    parseYaml,
  });
}
