/** Stored chat history: list, read, clear context, delete (docs/api.md#conversations). Storage lives in `lib/conversations`. */
import { defineModule } from '../../kernel/index.ts';
import { routes } from './routes.ts';

export default defineModule({
  name: 'conversations',
  // The original plugin's context routes at their own prefix.
  originals: {
    'GET /api/context/list': '/context/list',
    'POST /api/context/clear': '/context/clear',
  },
  routes,
});
