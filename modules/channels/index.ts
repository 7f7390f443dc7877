/** LLM provider channels: stored keys (0600, always masked), tests, model lists, usage (docs/api.md#channels). */
import { defineModule } from '../../kernel/index.ts';
import { routes } from './routes.ts';

export default defineModule({
  name: 'channels',
  // The original plugin's test panel (test-panel.ts) at its own prefix.
  originals: {
    'POST /api/test-panel/batch-test': '/test-panel/batch-test',
    'POST /api/test-panel/batch-test-stop': '/test-panel/batch-test-stop',
    'GET /api/test-panel/active-tests': '/test-panel/active-tests',
    'POST /api/test-panel/quick-test': '/test-panel/quick-test',
    'GET /api/test-panel/channel-models/:id': '/test-panel/channel-models/:id',
  },
  routes,
});
