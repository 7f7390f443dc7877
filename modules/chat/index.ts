/** Chat over the channels: presets, failover, the tool loop, conversations (API.md §13). */
import { defineModule } from '../../kernel/index.ts';
import { routes } from './routes.ts';

export default defineModule({ name: 'chat', routes });
