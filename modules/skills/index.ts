/**
 * The skills module (`/api/skills`): the aggregate view of every tool — built-in, module and MCP —
 * as skills, with execution, toggles and a live event stream. It shares the tool state library with
 * the tools module, so a change made here or there is the same change and the same event.
 */
import { defineModule } from '../../kernel/index.ts';
import { discoveryRoutes } from './routes/discovery.ts';
import { executeRoutes } from './routes/execute.ts';
import { mcpRoutes } from './routes/mcp.ts';
import { sseRoutes } from './routes/sse.ts';
import { stateRoutes } from './routes/state.ts';

export default defineModule({
  name: 'skills',
  routes(router, ctx) {
    sseRoutes(router, ctx);
    stateRoutes(router, ctx);
    discoveryRoutes(router, ctx);
    executeRoutes(router, ctx);
    mcpRoutes(router, ctx);
  },
});
