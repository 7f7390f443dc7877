/**
 * An MCP server for the tests, built with the SDK and served on loopback over streamable HTTP
 * (`/mcp`) and the older SSE transport (`/sse` + `/messages`). It requires a bearer token, so a
 * test can see the configured headers reach the server. `addTool()` changes its tool list live.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  CallToolRequestSchema,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListToolsRequestSchema,
  ReadResourceRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';

export const TOKEN = 'remote-secret-token-0123456789';

interface ToolSpec {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
  run(args: Record<string, unknown>): string;
}

export interface RemoteServer {
  url: string;
  addTool(tool: ToolSpec): void;
  /** Open streamable HTTP sessions. */
  sessions(): number;
  close(): Promise<void>;
}

export async function startRemoteServer(): Promise<RemoteServer> {
  const tools: ToolSpec[] = [
    {
      name: 'add',
      description: 'Adds two numbers',
      inputSchema: { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] },
      run: (args) => String((args.a as number) + (args.b as number)),
    },
  ];
  const servers = new Set<Server>();

  const newServer = () => {
    const server = new Server({ name: 'remote-test', version: '1.0.0' }, { capabilities: { tools: { listChanged: true }, resources: {}, prompts: {} } });
    server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: tools.map(({ run: _run, ...t }) => t) }));
    server.setRequestHandler(CallToolRequestSchema, (req) => {
      const tool = tools.find((t) => t.name === req.params.name);
      if (!tool) return { content: [{ type: 'text', text: `unknown tool ${req.params.name}` }], isError: true };
      return { content: [{ type: 'text', text: tool.run(req.params.arguments ?? {}) }] };
    });
    server.setRequestHandler(ListResourcesRequestSchema, () => ({ resources: [{ uri: 'memo://greeting', name: 'greeting', mimeType: 'text/plain' }] }));
    server.setRequestHandler(ReadResourceRequestSchema, (req) => ({ contents: [{ uri: req.params.uri, mimeType: 'text/plain', text: 'hello from remote' }] }));
    server.setRequestHandler(ListPromptsRequestSchema, () => ({ prompts: [{ name: 'greet', arguments: [{ name: 'who', required: true }] }] }));
    server.setRequestHandler(GetPromptRequestSchema, (req) => ({
      messages: [{ role: 'user', content: { type: 'text', text: `Say hello to ${req.params.arguments?.who}` } }],
    }));
    servers.add(server);
    server.onclose = () => servers.delete(server);
    return server;
  };

  const streamable = new Map<string, StreamableHTTPServerTransport>();
  const sse = new Map<string, SSEServerTransport>();

  const httpServer = http.createServer(async (req, res) => {
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/mcp') {
      const id = req.headers['mcp-session-id'] as string | undefined;
      let transport = id ? streamable.get(id) : undefined;
      if (!transport) {
        if (id) return void res.writeHead(404).end();
        const created = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          onsessioninitialized: (sid) => void streamable.set(sid, created),
          onsessionclosed: (sid) => void streamable.delete(sid),
        });
        transport = created;
        await newServer().connect(transport);
      }
      await transport.handleRequest(req, res);
      return;
    }
    if (url.pathname === '/sse' && req.method === 'GET') {
      const transport = new SSEServerTransport('/messages', res);
      sse.set(transport.sessionId, transport);
      res.on('close', () => sse.delete(transport.sessionId));
      await newServer().connect(transport);
      return;
    }
    if (url.pathname === '/messages' && req.method === 'POST') {
      const transport = sse.get(url.searchParams.get('sessionId') ?? '');
      if (!transport) return void res.writeHead(404).end();
      await transport.handlePostMessage(req, res);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    sessions: () => streamable.size,
    addTool(tool) {
      tools.push(tool);
      for (const server of servers) void server.sendToolListChanged().catch(() => {});
    },
    async close() {
      await Promise.all([...servers].map((s) => s.close().catch(() => {})));
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
