/**
 * Registers an MCP server's tools in the kernel tool registry: category `mcp:<server>`, registry
 * name `<server>__<tool>` (letters, digits, `_` and `-` only, so that every LLM API accepts it).
 * Server names contain no `__` and do not end in `_`, so names of different servers never collide.
 */
import type { JSONSchema, Logger, ToolContext, ToolRegistry } from '../../kernel/index.ts';

export interface McpTool {
  name: string;
  title?: string;
  description?: string;
  inputSchema: JSONSchema;
}

export function registryName(server: string, tool: string): string {
  return `${server}__${tool.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/** The schema as our ajv reads it: a server's `$schema` draft or `$id` must not break registration. */
function cleanSchema(schema: JSONSchema | undefined): JSONSchema {
  const { $schema: _draft, $id: _id, ...rest } = (schema ?? {}) as JSONSchema;
  return { ...rest, type: 'object' };
}

/**
 * Registers `tools` and returns, per MCP tool name, its registry name, and the function that
 * unregisters them all. A tool whose name clashes after sanitising is skipped with a warning.
 */
export function registerTools(
  registry: ToolRegistry,
  server: string,
  tools: McpTool[],
  call: (tool: string, args: Record<string, unknown>, context: ToolContext) => Promise<unknown>,
  log: Logger,
  /** The server's own request timeout: the kernel's default bound must not cut a longer one short. */
  timeoutMs: number,
): { names: Map<string, string>; release: () => void } {
  const names = new Map<string, string>();
  const releases: Array<() => void> = [];
  const taken = new Set<string>();
  for (const tool of tools) {
    const name = registryName(server, tool.name);
    if (name.length > 128 || taken.has(name)) {
      log.warn(`MCP server "${server}": tool "${tool.name}" skipped, its registry name "${name}" is too long or taken`);
      continue;
    }
    const definition = {
      name,
      description: tool.description ?? tool.title ?? '',
      category: `mcp:${server}`,
      inputSchema: cleanSchema(tool.inputSchema),
      timeoutMs,
      handler: (args: Record<string, unknown>, context: ToolContext) => call(tool.name, args, context),
    };
    try {
      releases.push(registry.register(definition));
    } catch (err) {
      // A schema our ajv cannot compile: the server still validates its own arguments.
      log.warn(`MCP server "${server}": schema of tool "${tool.name}" not usable (${(err as Error).message}); registered without it`);
      try {
        releases.push(registry.register({ ...definition, inputSchema: { type: 'object' } }));
      } catch (again) {
        log.warn(`MCP server "${server}": tool "${tool.name}" not registered: ${(again as Error).message}`);
        continue;
      }
    }
    taken.add(name);
    names.set(tool.name, name);
  }
  return { names, release: () => releases.splice(0).forEach((release) => release()) };
}
