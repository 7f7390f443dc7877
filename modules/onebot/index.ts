/**
 * The OneBot v11 bridge (docs/bot.md): the bot's QQ account, reached through NapCat, LLOneBot,
 * Lagrange.OneBot or go-cqhttp over reverse and forward WebSockets, answers in its chats with
 * everything the API configures. Its sockets are the kernel's (`ctx.ws`), so a reload keeps them.
 */
import { defineModule } from '../../kernel/index.ts';
import config from './config.ts';
import { Connections } from './connections.ts';
import { dialForward } from './forward.ts';
import { runJob } from './jobs.ts';
import { Scheduler } from './queue.ts';
import { REVERSE_PATH } from './reverse.ts';
import { routes } from './routes.ts';

export default defineModule({
  name: 'onebot',
  prefix: '/api/bots',
  config,
  setup(ctx) {
    const scheduler = new Scheduler(ctx, (socket, job) => runJob(ctx, socket, job));
    const connections = new Connections(ctx, scheduler);
    ctx.ws.route(REVERSE_PATH, connections.reverse());
    dialForward(ctx, (connection) => connections.forward(connection));
    // The jobs this version started finish; the waiting ones are the next version's to start.
    ctx.onDispose(() => scheduler.retire());
  },
  routes,
});
