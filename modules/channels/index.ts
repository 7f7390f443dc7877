/** LLM provider channels: stored keys (0600, always masked), tests, model lists, usage (docs/api.md#channels). */
import { defineModule } from '../../kernel/index.ts';
import { routes } from './routes.ts';

export default defineModule({ name: 'channels', routes });
