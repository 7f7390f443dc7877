/** Chat over HTTP (API.md §13): JSON or SSE around the turn in lib/chat, which the bot bridge shares. */
import { defineModule } from '../../kernel/index.ts';
import { routes } from './routes.ts';

export default defineModule({ name: 'chat', routes });
