/** LLM provider channels: stored keys (0600, always masked), tests, model lists, usage (API.md §4). */
import { defineModule } from '../../kernel/index.ts';
import { routes } from './routes.ts';

export default defineModule({ name: 'channels', routes });
