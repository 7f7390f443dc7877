/**
 * Custom tools (docs/api.md#tools): definitions — name, description, JSON schema, handler source — kept
 * in the store collection `custom-tools` and registered in the kernel registry under category
 * `custom` for as long as this module version is loaded.
 */
import { HttpError, badRequest, notFound, type ModuleContext } from '../../../kernel/index.ts';
import type { ToolRunner } from './runner.ts';
import { compileHandler } from './sandbox.ts';

export interface CustomToolDefinition {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
  handler: string;
  custom: true;
  createdAt: string;
  updatedAt?: string;
}

export type CustomToolInput = Partial<Pick<CustomToolDefinition, 'description' | 'parameters' | 'handler'>>;

const EMPTY_SCHEMA = { type: 'object', properties: {} };

export async function openCustomTools(ctx: ModuleContext, runner: ToolRunner) {
  const collection = ctx.store.collection<{ tools: Record<string, CustomToolDefinition> }>('custom-tools', { tools: {} });
  /** The stored definition named `name`: an own key only (`toString` is not a stored tool). */
  const stored = (tools: Record<string, CustomToolDefinition> | undefined, name: string) => (tools && Object.hasOwn(tools, name) ? tools[name] : undefined);
  const releases = new Map<string, () => void>();

  /** Registers (or re-registers) a definition; a handler or schema that does not compile is a 400. */
  const register = (def: CustomToolDefinition) => {
    let handler;
    try {
      handler = compileHandler(runner, def.name, def.handler);
    } catch (err) {
      throw badRequest(`handler does not compile: ${(err as Error).message}`, 'body.handler');
    }
    const previous = releases.get(def.name);
    try {
      releases.set(def.name, ctx.tools.register({
        name: def.name,
        description: def.description,
        category: 'custom',
        inputSchema: def.parameters,
        handler: (args, context) => handler(args, { userId: context.userId, groupId: context.groupId }, context.signal),
      }));
    } catch (err) {
      if (previous) releases.set(def.name, previous);
      throw badRequest(`parameters is not a usable JSON schema: ${(err as Error).message}`, 'body.parameters');
    }
  };

  for (const def of Object.values((await collection.read()).tools ?? {})) {
    try {
      register(def);
    } catch (err) {
      ctx.log.warn(`custom tool "${def.name}" not registered: ${(err as Error).message}`);
    }
  }

  const announce = () => ctx.events.publish('tools-reloaded', { reason: 'custom' });

  return {
    async list(): Promise<CustomToolDefinition[]> {
      return Object.values((await collection.read()).tools ?? {});
    },

    async create(name: string, input: CustomToolInput): Promise<CustomToolDefinition> {
      const def: CustomToolDefinition = {
        name,
        description: input.description ?? '',
        parameters: input.parameters ?? EMPTY_SCHEMA,
        handler: input.handler ?? 'return args;',
        custom: true,
        createdAt: new Date().toISOString(),
      };
      try {
        // Checked and registered inside the update, so two creations of one name cannot both succeed.
        await collection.update((data) => {
          if (ctx.tools.get(name) || stored(data.tools, name)) throw new HttpError(409, 'TOOL_EXISTS', `A tool named "${name}" already exists`);
          register(def);
          data.tools = { ...data.tools, [name]: def };
        });
      } catch (err) {
        if (!(err instanceof HttpError)) {
          releases.get(name)?.();
          releases.delete(name);
        }
        throw err;
      }
      announce();
      return def;
    },

    async update(name: string, input: CustomToolInput): Promise<CustomToolDefinition> {
      const current = stored((await collection.read()).tools, name);
      if (!current) throw notFound('TOOL_NOT_FOUND', `No custom tool named "${name}"`);
      const def: CustomToolDefinition = { ...current, ...input, updatedAt: new Date().toISOString() };
      register(def);
      await collection.update((data) => {
        data.tools = { ...data.tools, [name]: def };
      });
      announce();
      return def;
    },

    async remove(name: string): Promise<void> {
      if (!stored((await collection.read()).tools, name)) throw notFound('TOOL_NOT_FOUND', `No custom tool named "${name}"`);
      await collection.update((data) => {
        delete data.tools[name];
      });
      releases.get(name)?.();
      releases.delete(name);
      announce();
    },
  };
}

export type CustomTools = Awaited<ReturnType<typeof openCustomTools>>;
