/** Chat over HTTP (docs/api.md#chat): JSON or SSE around the turn in lib/chat, which the bot bridge shares. */
import { defineModule } from '../../kernel/index.ts';
import { routes } from './routes.ts';

export default defineModule({ name: 'chat', routes });
