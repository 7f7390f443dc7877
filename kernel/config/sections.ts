/**
 * Configuration sections as their owners declare them: the kernel its own (`web`), each module the
 * ones in its definition's `config` (docs/modules.md#configuration-section). A declaration is checked and compiled here, and
 * the table says which declaration of each section is in force: a section has one owner at a time,
 * and while a module's old version drains, its new version's declaration is the one in force.
 */
import type { ValidateFunction } from 'ajv';
import { plainDataProblem } from '../plain-data.ts';
import type { ConfigSections, JSONSchema, ValidationDetail } from '../types.ts';
import { toDetails } from '../validate.ts';
import { FORBIDDEN_KEYS, isPlainObject } from './paths.ts';
import { KERNEL_SECTIONS } from './schema.ts';
import { compileSection } from './validator.ts';

/** The owner name of the kernel's own sections; not a module name (those cannot hold parentheses). */
export const KERNEL = '(kernel)';

const SECTION_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

export interface CompiledSection {
  name: string;
  owner: string;
  /** The declared schema, with the declared `defaults` merged in as `default`s. */
  schema: JSONSchema;
  validate: ValidateFunction;
}

export type SectionCheck = { ok: true; value: unknown } | { ok: false; errors: ValidationDetail[] };

export const describe = (errors: ValidationDetail[]) => errors.map((e) => `${e.path || '(root)'} ${e.message}`).join('; ');

/** `schema` with `defaults` written in as `default` keywords: at its top, and down the properties of an object. */
function withDefaults(schema: JSONSchema, defaults: unknown): JSONSchema {
  if (defaults === undefined) return schema;
  const out: JSONSchema = { ...schema, default: defaults };
  if (isPlainObject(defaults)) {
    const properties: Record<string, unknown> = isPlainObject(schema.properties) ? { ...schema.properties } : {};
    for (const [key, value] of Object.entries(defaults)) properties[key] = withDefaults(isPlainObject(properties[key]) ? properties[key] : {}, value);
    out.properties = properties;
  }
  return out;
}

/**
 * Checks one section's value (`undefined`: absent) against its schema, leaving it untouched: on
 * success a copy with the defaults filled in (an absent section takes its `default`, or stays
 * absent without one), else the errors with dotted paths under the section's name.
 */
export function checkSection(section: CompiledSection, value: unknown): SectionCheck {
  const copy = structuredClone(value === undefined ? section.schema.default : value);
  if (copy === undefined) return { ok: true, value: undefined };
  if (section.validate(copy)) return { ok: true, value: copy };
  return { ok: false, errors: toDetails(section.validate.errors, section.name) };
}

/**
 * Checks and compiles declared sections (a definition's `config`); throws an Error that names the
 * bad field (`config.weather.schema`), as the other definition checks do.
 */
export function compileSections(owner: string, sections: unknown): CompiledSection[] {
  if (!isPlainObject(sections)) throw new Error('field "config" must be an object of sections ({"<name>": {schema, defaults?}})');
  return Object.entries(sections).map(([name, section]) => {
    const field = `config.${name}`;
    if (!SECTION_NAME.test(name) || FORBIDDEN_KEYS.has(name)) throw new Error(`field "${field}": "${name}" is not a section name (letters, digits, "_" and "-", a letter first)`);
    if (!isPlainObject(section) || !isPlainObject(section.schema)) throw new Error(`field "${field}" must be {schema, defaults?} with a JSON Schema object as schema`);
    const unknown = Object.keys(section).find((key) => key !== 'schema' && key !== 'defaults');
    if (unknown) throw new Error(`field "${field}": unknown key "${unknown}" (allowed: schema, defaults)`);
    for (const key of ['schema', 'defaults'] as const) {
      const problem = section[key] === undefined ? null : plainDataProblem(section[key]);
      if (problem) throw new Error(`field "${field}.${key}" is not plain JSON data: ${problem}`);
    }
    const schema = withDefaults(section.schema, section.defaults);
    let validate: ValidateFunction;
    try {
      validate = compileSection(schema);
    } catch (err) {
      throw new Error(`field "${field}.schema" is not a valid JSON Schema: ${(err as Error).message}`);
    }
    const compiled = { name, owner, schema, validate };
    // Its own defaults must pass, or the section could never be absent.
    const own = checkSection(compiled, undefined);
    if (!own.ok) throw new Error(`field "${field}.${section.defaults === undefined ? 'schema' : 'defaults'}": the defaults do not fit the schema: ${describe(own.errors)}`);
    return compiled;
  });
}

/** Who it is, for messages. */
export const ownerName = (owner: string) => (owner === KERNEL ? 'the kernel' : `module "${owner}"`);

/** The declarations made and not yet released, per section; the newest of a section is in force. */
export class SectionTable {
  private readonly declared = new Map<string, CompiledSection[]>();
  private ordered?: CompiledSection[];

  /** The declaration in force for a section, or undefined when none is. */
  get(name: string): CompiledSection | undefined {
    return this.declared.get(name)?.at(-1);
  }

  /** The declarations in force: the modules' by module name (as each declared them), then the kernel's. */
  inForce(): CompiledSection[] {
    this.ordered ??= [...this.declared.values()]
      .map((list) => list.at(-1)!)
      .sort((a, b) => Number(a.owner === KERNEL) - Number(b.owner === KERNEL) || (a.owner < b.owner ? -1 : a.owner > b.owner ? 1 : 0));
    return this.ordered;
  }

  /** Adds a declaration; throws, changing nothing, when another owner holds one of its sections. */
  add(sections: CompiledSection[]): void {
    for (const section of sections) {
      const holder = this.get(section.name);
      if (holder && holder.owner !== section.owner) throw new Error(`the configuration section "${section.name}" is declared by ${ownerName(holder.owner)}`);
    }
    for (const section of sections) this.declared.set(section.name, [...(this.declared.get(section.name) ?? []), section]);
    this.ordered = undefined;
  }

  /** Removes a declaration; answers the sections whose declaration in force changed. */
  remove(sections: CompiledSection[]): string[] {
    const changed: string[] = [];
    for (const section of sections) {
      const list = this.declared.get(section.name) ?? [];
      if (!list.includes(section)) continue;
      if (list.at(-1) === section) changed.push(section.name);
      const rest = list.filter((s) => s !== section);
      if (rest.length) this.declared.set(section.name, rest);
      else this.declared.delete(section.name);
    }
    this.ordered = undefined;
    return changed;
  }

  /** The configuration's JSON Schema: the sections in force; any other section is kept as it is stored. */
  schema(): JSONSchema {
    return {
      $id: 'chatai-config',
      title: 'ChatAI configuration',
      description: 'Each section is declared by the kernel or by a module; the section of a module that is not loaded is kept as it is stored.',
      type: 'object',
      properties: Object.fromEntries(this.inForce().map((s) => [s.name, s.schema])),
    };
  }
}

/** A table of the kernel's sections and the ones given, by owner; throws naming the bad field or the conflict. */
export function declaredSections(byOwner: Record<string, ConfigSections> = {}): SectionTable {
  const table = new SectionTable();
  for (const [owner, sections] of Object.entries({ [KERNEL]: KERNEL_SECTIONS, ...byOwner })) table.add(compileSections(owner, sections));
  return table;
}
