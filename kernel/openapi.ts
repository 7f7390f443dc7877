/**
 * `GET /api/openapi.json`: an OpenAPI 3.1 document built from the loaded routers themselves, so it
 * always matches what is served. Answered bare (not in the envelope) for Swagger UI and generators.
 */
import type { ModuleVersion } from './modules/version.ts';
import { ROUTE_SPEC, type DocumentedMiddleware } from './validate.ts';
import type { JSONSchema, RouteSpec } from './types.ts';

const ERROR_RESPONSE = { $ref: '#/components/responses/Error' };

function parametersOf(schema: JSONSchema | undefined, where: 'path' | 'query', names: string[]): unknown[] {
  const props = (schema?.properties ?? {}) as Record<string, JSONSchema>;
  const required = new Set((schema?.required as string[] | undefined) ?? []);
  const all = new Set([...names, ...Object.keys(props)]);
  return [...all].map((name) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: props[name] ?? { type: 'string' },
  }));
}

export function buildOpenApi(versions: readonly ModuleVersion[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const usedIds = new Set<string>();
  for (const v of [...versions].sort((a, b) => a.name.localeCompare(b.name))) {
    for (const layer of v.router.stack) {
      const methods = layer.methods.filter((m) => m !== 'HEAD').map((m) => m.toLowerCase());
      if (!methods.length || typeof layer.path !== 'string') continue;
      const spec: RouteSpec = (layer.stack as DocumentedMiddleware[]).find((fn) => fn[ROUTE_SPEC])?.[ROUTE_SPEC] ?? {};
      const pathNames: string[] = [];
      const oaPath = layer.path.replace(/:([A-Za-z0-9_]+)/g, (_m: string, name: string) => {
        pathNames.push(name);
        return `{${name}}`;
      }) || '/';
      const isPublic = v.publicRoutes.has(layer.path) || !layer.path.startsWith('/api/');
      for (const method of methods) {
        let id = `${v.name}_${method}_${oaPath.replace(/[^A-Za-z0-9]+/g, '_')}`.replace(/_+$/, '');
        while (usedIds.has(id)) id += '_';
        usedIds.add(id);
        const operation: Record<string, unknown> = {
          operationId: id,
          summary: spec.summary ?? `${method.toUpperCase()} ${oaPath}`,
          ...(spec.description ? { description: spec.description } : {}),
          ...(spec.deprecated ? { deprecated: true } : {}),
          tags: [v.name],
          parameters: [...parametersOf(spec.params, 'path', pathNames), ...parametersOf(spec.query, 'query', [])],
          responses: {
            '200': { description: 'Success: `{"success": true, "data": ...}`' },
            '400': ERROR_RESPONSE,
            ...(isPublic ? {} : { '401': ERROR_RESPONSE, '403': ERROR_RESPONSE }),
          },
          ...(isPublic ? { security: [] } : {}),
        };
        // An `x-` extension (OpenAPI has no word for it), so that a POST without a body schema is a visible choice.
        if (spec.noBody) operation['x-no-body'] = true;
        if (spec.body) {
          const types = spec.consumes ?? ['application/json'];
          operation.requestBody = { required: true, content: Object.fromEntries(types.map((t) => [t, { schema: t.includes('json') ? spec.body : { type: 'string' } }])) };
        }
        (paths[oaPath] ??= {})[method] = operation;
      }
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'ChatAI management API',
      version,
      description: 'Served by the ChatAI Koa microkernel; every module contributes its routes.',
      license: { name: 'UNLICENSED', identifier: 'UNLICENSED' },
    },
    servers: [{ url: '/' }],
    security: [{ bearerAuth: [] }, { cookieAuth: [] }],
    tags: [...new Set(versions.map((v) => v.name))].sort().map((name) => ({ name, description: `The ${name} module` })),
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        cookieAuth: { type: 'apiKey', in: 'cookie', name: 'auth_token' },
      },
      responses: {
        Error: {
          description: 'Error envelope',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['success', 'error', 'code'],
                properties: {
                  success: { const: false },
                  error: { type: 'string' },
                  code: { type: 'string' },
                  details: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
                },
              },
            },
          },
        },
      },
    },
  };
}
