/** The sender's memories for the system prompt (docs/bot.md#the-turn), while `memory.enabled` is on. */
import type { ConfigService, Store } from '../../kernel/index.ts';
import { LABELS, USER_ID, createMemoryStore, isLive } from '../memory/index.ts';

const USER = new RegExp(USER_ID);

/**
 * What the model is told it remembers about `userId`: live memories, newest first, at most
 * `memory.maxMemories`; in a group, those of no group and of this group; '' when there are none.
 */
export async function memoryPrompt(store: Store, config: ConfigService, userId: string, groupId: string | undefined): Promise<string> {
  if (config.get('memory.enabled') !== true || !USER.test(userId)) return '';
  const now = Date.now();
  const memories = (await createMemoryStore(store).ofUser(userId))
    .filter((m) => isLive(m, now) && (m.groupId === null || m.groupId === groupId))
    .slice(0, config.get<number | undefined>('memory.maxMemories') ?? 50);
  if (!memories.length) return '';
  return ['What you remember about this user:', ...memories.map((m) => `- [${LABELS[m.category]}] ${m.content}`)].join('\n');
}
