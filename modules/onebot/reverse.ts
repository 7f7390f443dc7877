/**
 * Reverse WebSocket (docs/bot.md#connections): the implementation connects to `/onebot/v11/ws` as a
 * Universal client, or as separate API and Event clients, naming its account in `X-Self-ID`. With
 * `onebot.accessToken` set, the upgrade needs it (Bearer or `?access_token=`), else 401; without
 * one, only loopback peers get in (403).
 */
import { timingSafeEqual } from 'node:crypto';
import type { ModuleContext, WsRefusal, WsRequest } from '../../kernel/index.ts';
import type { Role } from './state.ts';

export const REVERSE_PATH = '/onebot/v11/ws';

const ROLES: Record<string, Role> = { universal: 'Universal', api: 'API', event: 'Event' };

const header = (request: WsRequest, name: string) => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** The token the upgrade carries: the Bearer header, else `?access_token=`. */
function tokenOf(request: WsRequest): string | undefined {
  const auth = header(request, 'authorization');
  if (auth !== undefined) return /^Bearer\s+(.+)$/i.exec(auth)?.[1];
  return request.query.access_token;
}

function sameToken(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

const isLoopback = (ip: string) => ip === '::1' || /^(::ffff:)?127\./.test(ip);

/** Who connected: the account and the client's role, or why the upgrade is refused. */
export function clientOf(request: WsRequest): { selfId: string; role: Role } | WsRefusal {
  const selfId = header(request, 'x-self-id')?.trim() ?? '';
  if (!/^[1-9]\d{0,19}$/.test(selfId)) return { status: 400, code: 'VALIDATION_ERROR', message: 'X-Self-ID must be the bot account (a QQ number)' };
  const roleHeader = header(request, 'x-client-role')?.trim().toLowerCase() || 'universal';
  const role = ROLES[roleHeader];
  if (!role) return { status: 400, code: 'VALIDATION_ERROR', message: 'X-Client-Role must be Universal, API or Event' };
  return { selfId, role };
}

/** The upgrade's access rule. */
export function authorizeReverse(ctx: ModuleContext, request: WsRequest): true | WsRefusal {
  const expected = ctx.config.get<string | undefined>('onebot.accessToken') ?? '';
  if (expected) {
    if (!sameToken(tokenOf(request), expected)) return { status: 401, code: 'UNAUTHORIZED', message: 'Missing or wrong access token' };
  } else if (!isLoopback(request.ip)) {
    return { status: 403, code: 'FORBIDDEN', message: 'No onebot.accessToken is set: only loopback clients may connect' };
  }
  const client = clientOf(request);
  return 'status' in client ? client : true;
}
