/**
 * Memories on disk, one collection per user (`memories/<userId>`), so adding a memory rewrites one
 * user's file whatever the total. A memory id carries its user (`mem_<userId>_<12 hex>`): finding
 * one never scans other users, and it can never be mistaken for a user id.
 */
import { randomBytes } from 'node:crypto';
import { notFound, type Store } from '../../kernel/index.ts';
import type { Category } from './categories.ts';
import { isSimilar } from './text.ts';

export const SOURCES = ['auto', 'manual', 'import', 'summary', 'migration'] as const;
export type Source = (typeof SOURCES)[number];

export interface Memory {
  id: string;
  userId: string;
  groupId: string | null;
  category: Category;
  subType: string | null;
  content: string;
  confidence: number;
  source: Source;
  metadata: Record<string, unknown> | null;
  createdAt: number;
  updatedAt: number;
  expiresAt: number | null;
  /** False once soft-deleted. */
  isActive: boolean;
}

export type NewMemory = Pick<Memory, 'category' | 'content'> & Partial<Pick<Memory, 'groupId' | 'subType' | 'confidence' | 'source' | 'metadata' | 'expiresAt'>>;
export type MemoryPatch = Partial<Pick<Memory, 'category' | 'content' | 'groupId' | 'subType' | 'confidence' | 'metadata' | 'expiresAt' | 'isActive'>>;

interface UserFile {
  userId: string;
  memories: Memory[];
}

/** User ids: QQ numbers or short slugs; never `mem_…`, so they cannot be confused with memory ids. */
export const USER_ID = '^(?!mem_)[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$';
export const MEMORY_ID = '^mem_[A-Za-z0-9_][A-Za-z0-9_-]{0,63}_[0-9a-f]{12}$';
const MEMORY_ID_PARTS = /^mem_([A-Za-z0-9_][A-Za-z0-9_-]{0,63})_[0-9a-f]{12}$/;

/** Active and not expired. */
export const isLive = (m: Memory, now = Date.now()) => m.isActive && (m.expiresAt === null || m.expiresAt > now);

const byNewest = (a: Memory, b: Memory) => b.updatedAt - a.updatedAt || b.createdAt - a.createdAt;

export function createMemoryStore(store: Store) {
  const file = (userId: string) => store.collection<UserFile>(`memories/${userId}`, { userId, memories: [] });
  const userOf = (id: string) => {
    const match = MEMORY_ID_PARTS.exec(id);
    if (!match) throw notFound('MEMORY_NOT_FOUND', `No memory "${id}"`);
    return match[1];
  };
  const missing = (id: string) => notFound('MEMORY_NOT_FOUND', `No memory "${id}"`);
  const newId = (userId: string) => `mem_${userId}_${randomBytes(6).toString('hex')}`;

  return {
    /** Ids of every user with a memory file. */
    userIds: () => store.list('memories'),

    /** A user's memories, newest first (all of them, soft-deleted included). */
    async ofUser(userId: string): Promise<Memory[]> {
      return [...(await file(userId).read()).memories].sort(byNewest);
    },

    /** Every user's memories (for global views; reads only). */
    async all(): Promise<Memory[]> {
      const ids = await this.userIds();
      return (await Promise.all(ids.map((id) => file(id).read()))).flatMap((f) => f.memories);
    },

    async get(id: string): Promise<Memory> {
      const memory = (await file(userOf(id)).read()).memories.find((m) => m.id === id);
      if (!memory) throw missing(id);
      return memory;
    },

    /**
     * Adds a memory, or merges it into a live one of the same category and group that says the
     * same thing (the longer content wins, confidence is the higher of both).
     */
    add(userId: string, input: NewMemory): Promise<{ memory: Memory; created: boolean }> {
      return file(userId).update((data) => {
        const now = Date.now();
        const groupId = input.groupId ?? null;
        const twin = data.memories.find((m) => isLive(m, now) && m.category === input.category && m.groupId === groupId && isSimilar(m.content, input.content));
        if (twin) {
          if (input.content.length > twin.content.length) twin.content = input.content;
          twin.confidence = Math.max(twin.confidence, input.confidence ?? 0);
          if (input.subType) twin.subType = input.subType;
          if (input.metadata) twin.metadata = { ...twin.metadata, ...input.metadata };
          if (input.expiresAt !== undefined) twin.expiresAt = input.expiresAt;
          twin.updatedAt = now;
          return { memory: structuredClone(twin), created: false };
        }
        const memory: Memory = {
          id: newId(userId),
          userId,
          groupId,
          category: input.category,
          subType: input.subType ?? null,
          content: input.content,
          confidence: input.confidence ?? 0.9,
          source: input.source ?? 'manual',
          metadata: input.metadata ?? null,
          createdAt: now,
          updatedAt: now,
          expiresAt: input.expiresAt ?? null,
          isActive: true,
        };
        data.memories.push(memory);
        return { memory: structuredClone(memory), created: true };
      });
    },

    update(id: string, patch: MemoryPatch): Promise<Memory> {
      return file(userOf(id)).update((data) => {
        const memory = data.memories.find((m) => m.id === id);
        if (!memory) throw missing(id);
        Object.assign(memory, patch, { updatedAt: Date.now() });
        return structuredClone(memory);
      });
    },

    /** Soft delete (the memory stays, inactive) or hard delete. */
    remove(id: string, hard: boolean): Promise<void> {
      return file(userOf(id)).update((data) => {
        const index = data.memories.findIndex((m) => m.id === id);
        if (index < 0) throw missing(id);
        if (hard) data.memories.splice(index, 1);
        else Object.assign(data.memories[index], { isActive: false, updatedAt: Date.now() });
      });
    },

    /** Clears a user: soft deactivates the live memories, hard removes the user's file. Resolves the count affected. */
    async clearUser(userId: string, hard: boolean): Promise<number> {
      if (hard) {
        const count = (await file(userId).read()).memories.length;
        await store.remove(`memories/${userId}`);
        return count;
      }
      return file(userId).update((data) => {
        const now = Date.now();
        const live = data.memories.filter((m) => isLive(m, now));
        for (const m of live) Object.assign(m, { isActive: false, updatedAt: now });
        return live.length;
      });
    },

    /** Replaces a user's memories through `fn` in one write (merge and summarize). */
    rewrite<R>(userId: string, fn: (memories: Memory[]) => { memories: Memory[]; result: R }): Promise<R> {
      return file(userId).update((data) => {
        const { memories, result } = fn(data.memories);
        data.memories = memories;
        return result;
      });
    },

    newId,
  };
}

export type MemoryStore = ReturnType<typeof createMemoryStore>;
