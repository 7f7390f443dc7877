/**
 * One group's settings (docs/api.md#group-admin): the full shape with its defaults, and the keys that inherit
 * from the global configuration. A group stores only what was set for it; an unset leaf, or one
 * holding an "inherit" marker, falls back to the global config and then to the built-in default.
 */

export type Settings = Record<string, unknown>;

/** Stored values that mean "use the global setting" (docs/api.md#group-admin). */
const INHERIT_MARKERS = new Set<unknown>([undefined, null, '', 'global', 'default', '__default__']);

export function isInherit(value: unknown): boolean {
  return INHERIT_MARKERS.has(value);
}

/** A group leaf that inherits: the global config paths tried in order, then the built-in fallback. */
export interface InheritedKey {
  path: string;
  global: string[];
  fallback: unknown;
}

const eventKeys = ['welcome', 'goodbye', 'poke', 'recall', 'ban', 'luckyKing', 'honor', 'essence', 'admin'];

export const INHERITED: InheritedKey[] = [
  { path: 'presetId', global: ['presets.defaultId', 'llm.defaultChatPresetId'], fallback: 'default' },
  { path: 'systemPrompt', global: ['context.globalSystemPrompt'], fallback: '' },
  { path: 'chat.contextLength', global: ['context.maxMessages'], fallback: 20 },
  { path: 'chat.streamReply', global: ['streaming.enabled'], fallback: true },
  { path: 'chat.quoteReply', global: ['basic.quoteReply'], fallback: true },
  { path: 'chat.showThinking', global: ['thinking.showThinkingContent'], fallback: true },
  { path: 'chat.autoRecall.enabled', global: ['basic.autoRecall.enabled'], fallback: false },
  { path: 'chat.autoRecall.delay', global: ['basic.autoRecall.delay'], fallback: 60 },
  { path: 'models.chat', global: ['llm.models.chat', 'llm.defaultModel'], fallback: '' },
  { path: 'models.image', global: ['llm.models.image'], fallback: '' },
  { path: 'models.game', global: ['llm.models.game'], fallback: '' },
  { path: 'triggers.prefix', global: ['trigger.prefixes'], fallback: ['#chat'] },
  { path: 'triggers.keywords', global: ['trigger.keywords'], fallback: [] },
  { path: 'triggers.at', global: ['trigger.group.at'], fallback: true },
  { path: 'triggers.random', global: ['trigger.group.random'], fallback: false },
  { path: 'tools.enabled', global: ['builtinTools.enabled'], fallback: true },
  { path: 'tools.allowedTools', global: ['builtinTools.allowedTools'], fallback: [] },
  { path: 'tools.blockedTools', global: ['builtinTools.disabledTools'], fallback: [] },
  { path: 'tools.allowedCategories', global: ['builtinTools.enabledCategories'], fallback: [] },
  { path: 'tools.allowDangerous', global: ['builtinTools.allowDangerous'], fallback: false },
  { path: 'imageGen.enabled', global: ['features.imageGen.enabled'], fallback: true },
  { path: 'imageGen.modelId', global: ['features.imageGen.model'], fallback: '' },
  { path: 'summary.enabled', global: ['features.groupSummary.enabled'], fallback: true },
  { path: 'bym.enabled', global: ['bym.enable'], fallback: false },
  { path: 'bym.probability', global: ['bym.probability'], fallback: 0.02 },
  { path: 'bym.temperature', global: ['bym.temperature'], fallback: 0.9 },
  { path: 'bym.maxTokens', global: ['bym.maxTokens'], fallback: 150 },
  { path: 'bym.modelId', global: ['bym.model'], fallback: '' },
  { path: 'game.probability', global: ['game.probability'], fallback: 0.3 },
  { path: 'game.enableTools', global: ['game.enableTools'], fallback: true },
  { path: 'game.temperature', global: ['game.temperature'], fallback: 0.8 },
  { path: 'game.maxTokens', global: ['game.maxTokens'], fallback: 1000 },
  ...eventKeys.map((e) => ({ path: `events.${e}.enabled`, global: [`features.${e}.enabled`], fallback: false })),
];

/** Keys only the master may change; they are also never shown to a group admin. */
export const MASTER_ONLY = ['independentChannel.forbidGlobal'];

/** Group-only leaves that hold a percentage on the wire and a fraction on disk (docs/api.md#group-admin). */
export const PERCENT_KEYS = ['emojiThief.probability', 'emojiThief.triggerRate'];

const event = (extra: Settings = {}) => ({ enabled: null, probability: 1, message: '', prompt: '', useAI: false, ...extra });

/** The whole settings object of a group that never set anything. Inherited leaves hold `null` or `''`. */
export const DEFAULT_SETTINGS: Settings = {
  groupName: '',
  systemPrompt: '',
  presetId: '',
  enabled: true,
  triggerMode: 'default',
  customPrefix: '',
  emojiThief: { enabled: false, independent: true, maxCount: 500, probability: 1, triggerRate: 0.05, triggerMode: 'off' },
  bym: {
    enabled: null, presetId: '', prompt: '', probability: null, modelId: '', temperature: null, maxTokens: null,
    proactive: { enabled: false, probability: 0.05, cooldown: 300, maxDaily: 10, minMessages: 5, keywords: [], timeRange: { start: 8, end: 23 } },
    style: { replyLength: 'medium', useEmoji: true, personalityStrength: 0.7 },
  },
  chat: {
    enabled: true, contextLength: null, temperature: null, maxTokens: null, streamReply: null, quoteReply: null, showThinking: null,
    autoRecall: { enabled: null, delay: null },
  },
  imageGen: {
    enabled: null, modelId: '', text2imgModel: '', img2imgModel: '', size: '1024x1024', quality: 'standard', style: 'vivid',
    negativePrompt: '', maxDailyLimit: 0, cooldown: 0,
  },
  game: { probability: null, enableTools: null, temperature: null, maxTokens: null, modelId: '' },
  models: { chat: '', tools: '', dispatch: '', vision: '', image: '', search: '', bym: '', summary: '', profile: '', game: '' },
  listMode: 'none',
  blacklist: [],
  whitelist: [],
  knowledgeIds: [],
  independentChannel: { baseUrl: '', apiKey: '', adapterType: 'openai', modelId: '', forbidGlobal: false, channels: [] },
  usageLimit: { dailyGroupLimit: 0, dailyUserLimit: 0, limitMessage: '', chatLimit: 0, imageLimit: 0, toolsLimit: 0 },
  summary: {
    enabled: null, modelId: '', autoTrigger: false, triggerCount: 100, includeImages: false, maxLength: 500,
    push: { enabled: false, intervalType: 'day', intervalValue: 1, pushHour: 20, messageCount: 100 },
  },
  tools: { enabled: null, allowedTools: null, blockedTools: null, allowedCategories: null, allowDangerous: null, autoApprove: true, maxCalls: 5 },
  triggers: { prefix: null, keywords: null, at: null, random: null },
  events: Object.fromEntries([['enabled', true], ...eventKeys.map((e) => [e, e === 'poke' ? event({ pokeBack: false }) : event()])]),
};

/** The value at a dotted path, or undefined. */
export function getPath(obj: unknown, path: string): unknown {
  let value = obj;
  for (const key of path.split('.')) {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = (value as Settings)[key];
  }
  return value;
}

/** Sets a dotted path, creating plain objects on the way. */
export function setPath(obj: Settings, path: string, value: unknown): void {
  const keys = path.split('.');
  let target = obj;
  for (const key of keys.slice(0, -1)) {
    const next = target[key];
    if (!next || typeof next !== 'object' || Array.isArray(next)) target[key] = {};
    target = target[key] as Settings;
  }
  target[keys[keys.length - 1]] = value;
}

/** Removes a dotted path if present. */
export function deletePath(obj: Settings, path: string): void {
  const keys = path.split('.');
  const parent = getPath(obj, keys.slice(0, -1).join('.'));
  if (keys.length === 1) delete obj[keys[0]];
  else if (parent && typeof parent === 'object') delete (parent as Settings)[keys[keys.length - 1]];
}

const isPlainObject = (v: unknown): v is Settings => !!v && typeof v === 'object' && !Array.isArray(v);

/** Deep merge: objects merge key by key, everything else (arrays, null) replaces. Returns a new object sharing nothing with either. */
export function deepMerge(base: Settings, patch: Settings): Settings {
  const out: Settings = structuredClone(base);
  for (const [key, value] of Object.entries(patch)) {
    out[key] = isPlainObject(value) && isPlainObject(base[key]) ? deepMerge(base[key] as Settings, value) : structuredClone(value);
  }
  return out;
}
