/** Which requests a role may make: the master everything, a group admin only its own group (KERNEL.md §10.4). */
import type { AuthUser } from '../types.ts';

const GROUP_ADMIN_EXTRAS = new Set(['GET /api/auth/verify', 'POST /api/auth/logout', 'POST /api/auth/refresh', 'GET /api/group-admin']);

export function isAllowed(user: AuthUser, method: string, path: string): boolean {
  if (user.role === 'master') return true;
  const route = `${method === 'HEAD' ? 'GET' : method} ${path.replace(/\/+$/, '') || '/'}`;
  if (GROUP_ADMIN_EXTRAS.has(route)) return true;
  if (!user.groupId) return false;
  const own = `/api/group-admin/${encodeURIComponent(user.groupId)}`;
  return path === own || path.startsWith(own + '/');
}
