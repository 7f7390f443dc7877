/**
 * The configuration as one JSON Schema (API.md §1.9): every write is checked against it, and its
 * `default`s fill whatever a stored file leaves out. Sections are closed (an unknown section is a
 * typo); keys inside a section stay open so that a module can keep its own settings there.
 * Secrets (JWT secret, login tokens, channel keys) are not configuration: they are refused here.
 * Secrets that are configuration (a Redis password, an image API's key) carry the schema's own
 * mark, `x-secret` (see validate.ts), wherever they sit, and are shown masked by it (masked.ts).
 */
import type { ConfigSections, JSONSchema } from '../types.ts';
import { SECRET_MARK } from '../validate.ts';

type Props = Record<string, JSONSchema>;

const obj = (properties: Props, extra: JSONSchema = {}): JSONSchema => ({ type: 'object', default: {}, properties, ...extra });
const bool = (value: boolean): JSONSchema => ({ type: 'boolean', default: value });
const str = (value: string, extra: JSONSchema = {}): JSONSchema => ({ type: 'string', default: value, ...extra });
const oneOf = (values: string[], value: string): JSONSchema => ({ type: 'string', enum: values, default: value });
const int = (value: number, minimum = 0, maximum?: number): JSONSchema => ({
  type: 'integer',
  default: value,
  minimum,
  ...(maximum === undefined ? {} : { maximum }),
});
const num = (value: number, minimum = 0, maximum?: number): JSONSchema => ({
  type: 'number',
  default: value,
  minimum,
  ...(maximum === undefined ? {} : { maximum }),
});
const list = (items: JSONSchema, value: unknown[] = []): JSONSchema => ({ type: 'array', items, default: value });
const strings = (value: string[] = []): JSONSchema => list({ type: 'string' }, value);
/** QQ user and group ids: numbers in old files, strings in new ones. */
const ids = (): JSONSchema => list({ type: ['string', 'integer'] });
const probability = (value: number) => num(value, 0, 1);
const temperature = (value: number) => num(value, 0, 2);
const enabledOnly = (value = false) => obj({ enabled: bool(value) });
/** A secret string: a key, a password, a cookie. */
const SECRET = { type: 'string', [SECRET_MARK]: true } as const;
/** A URL that may carry credentials or a token (`http://user:pass@host`, `?key=`, `/sse/<token>`). */
const SECRET_URL = { type: 'string', [SECRET_MARK]: 'url' } as const;

/** Keys that hold secrets: they live in their own 0600 files, never in the configuration. */
export const SECRET_PATHS = ['web.jwtSecret', 'web.permanentAuthToken', 'web.groupAdminSecret'];

const proxyScope = () => obj({ enabled: bool(false), profileId: { type: ['string', 'null'], default: null } });

const PROPERTIES: Props = {
  basic: obj({
    commandPrefix: str('#ai', { minLength: 1 }),
    debug: bool(false),
    showThinkingMessage: bool(true),
    debugToConsoleOnly: bool(true),
    quoteReply: bool(true),
    autoRecall: obj({ enabled: bool(false), delay: int(60), recallError: bool(true) }),
  }),
  admin: obj({
    masterQQ: ids(),
    pluginAuthorQQ: ids(),
    loginNotifyPrivate: bool(true),
    sensitiveCommandMasterOnly: bool(true),
  }),
  llm: obj({
    defaultModel: str('qwen/qwen3-next-80b-a3b-instruct'),
    defaultChatPresetId: str('default'),
    embeddingModel: str('text-embedding-004'),
    dimensions: int(1536, 1),
    models: obj({ chat: str(''), image: str(''), roleplay: str(''), game: str('') }),
    fallback: obj({
      enabled: bool(true),
      models: strings(),
      maxRetries: int(3, 0, 20),
      retryDelay: int(500),
      notifyOnFallback: bool(false),
    }),
    chatModel: str(''),
    codeModel: str(''),
    translationModel: str(''),
  }),
  bym: obj({
    enable: bool(false),
    enableTools: bool(false),
    probability: probability(0.02),
    temperature: temperature(0.9),
    maxTokens: int(150, 1),
    recall: bool(false),
    model: str(''),
    systemPrompt: str('Act like a human member of this chat: short, casual replies.'),
    inheritPersonality: bool(true),
    presetMap: { type: 'object', default: {}, additionalProperties: { type: 'string' } },
    exclusiveFeatures: strings(['groupSummary', 'userPortrait']),
  }),
  game: obj({ probability: probability(0.3), enableTools: bool(true), temperature: temperature(0.8), maxTokens: int(1000, 1) }),
  proactiveChat: obj({
    enabled: bool(false),
    pollInterval: int(5, 1),
    minMessagesBeforeTrigger: int(10),
    maxConcurrentTriggers: int(3, 1),
    baseProbability: probability(0.05),
    maxProbability: probability(0.5),
    quietHoursStart: int(0, 0, 23),
    quietHoursEnd: int(6, 0, 23),
    allowQuietHoursOverride: bool(false),
    timePeriodMultipliers: { type: 'object', default: {}, additionalProperties: { type: 'number', minimum: 0 } },
    useWeekdayMultiplier: bool(true),
    weekdayMultipliers: {
      type: 'object',
      default: { 0: 1, 1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1 },
      propertyNames: { enum: ['0', '1', '2', '3', '4', '5', '6'] },
      additionalProperties: { type: 'number', minimum: 0 },
    },
    activityMultipliers: obj(
      { dead: num(0), low: num(0.3), normal: num(1), active: num(1.5), high_freq: num(0.1) },
      { additionalProperties: { type: 'number', minimum: 0 } },
    ),
    model: str(''),
    systemPrompt: str(''),
    maxTokens: int(150, 1),
    temperature: temperature(0.9),
    enabledGroups: ids(),
    blacklistGroups: ids(),
    cooldownMinutes: int(30),
    maxDailyMessages: int(20),
    maxHourlyMessages: int(5),
    useGroupContext: bool(true),
    contextMessageCount: int(20),
  }),
  conversationTracking: obj({ enabled: bool(false), timeout: int(2), throttle: int(3), batchDelay: int(3), model: str('') }),
  tools: obj({
    showCallLogs: bool(true),
    useForwardMsg: bool(true),
    parallelExecution: bool(true),
    sendIntermediateReply: bool(true),
    useToolGroups: bool(false),
  }),
  toolGroups: list(
    {
      type: 'object',
      required: ['name'],
      properties: { index: { type: 'integer', minimum: 0 }, name: { type: 'string', minLength: 1 }, description: { type: 'string' }, tools: strings() },
    },
    ['system', 'qq', 'web', 'file', 'memory', 'image'].map((name, index) => ({ index, name, description: '', tools: [] })),
  ),
  builtinTools: obj({
    enabled: bool(true),
    allowedTools: strings(),
    disabledTools: strings(),
    dangerousTools: strings(['kick_member', 'mute_member', 'recall_message']),
    allowDangerous: bool(false),
    // Absent by default, which means every category is enabled.
    enabledCategories: { type: 'array', items: { type: 'string' } },
    fetch: obj({
      allowPrivateNetwork: bool(false),
      maxBytes: int(1048576, 1),
      timeoutMs: int(10000, 1),
      maxRedirects: int(5, 0, 20),
      // Host names exempt from the private-address refusal (one intranet service, say).
      allowedHosts: strings(),
    }),
  }),
  // The key travels as a Bearer token: no whitespace in it.
  mcp: obj({ enabled: bool(true), server: obj({ enabled: bool(false), apiKey: str('', { ...SECRET, pattern: '^\\S*$' }) }) }),
  bilibili: obj({ sessdata: str('', SECRET) }),
  redis: obj({ enabled: bool(true), host: str('127.0.0.1'), port: int(6379, 1, 65535), password: str('', SECRET), db: int(0) }),
  images: obj({
    storagePath: str('./data/images'),
    maxSize: int(10485760, 1),
    allowedFormats: strings(['jpg', 'jpeg', 'png', 'gif', 'webp']),
  }),
  web: obj({
    // Used when the PORT / HOST environment variables are not set (env wins).
    port: int(3000, 0, 65535),
    host: str('127.0.0.1', { minLength: 1 }),
    sharePort: bool(false),
    mountPath: str('/chatai'),
    publicUrl: str('', { anyOf: [{ maxLength: 0 }, { pattern: '^https?://' }] }),
    loginLinks: list({
      type: 'object',
      required: ['label', 'baseUrl'],
      properties: { label: { type: 'string', minLength: 1 }, baseUrl: { type: 'string', pattern: '^https?://' } },
    }),
    /** JWT lifetime in seconds (KERNEL.md §10.5). */
    jwtTtl: int(2592000, 60),
    ...Object.fromEntries(SECRET_PATHS.map((p) => [p.split('.')[1], false])),
  }),
  update: obj({ autoCheck: bool(true), checkOnStart: bool(true), autoUpdate: bool(false), autoRestart: bool(false), notifyMaster: bool(true) }),
  proxy: obj({
    enabled: bool(false),
    // Open objects (the original's fields vary); the ones that hold credentials are declared.
    profiles: list({ type: 'object', properties: { url: SECRET_URL, password: SECRET } }),
    scopes: obj({ browser: proxyScope(), api: proxyScope(), channel: proxyScope() }),
  }),
  context: obj({
    maxMessages: int(20, 1),
    maxTokens: int(4000, 1),
    cleaningStrategy: str('auto'),
    autoSummarize: obj({
      enabled: bool(true),
      intervalMinutes: int(10, 1),
      maxMessagesBefore: int(60, 1),
      minInactiveMinutes: int(30),
      retainMessagesAfterSummary: int(5),
      model: str(''),
      maxTokens: int(400, 1),
      windowMessages: int(80, 1),
    }),
    isolation: obj({ groupUserIsolation: bool(false), privateIsolation: bool(true) }),
    autoContext: obj({ enabled: bool(true), maxHistoryMessages: int(20), includeToolCalls: bool(false) }),
    autoEnd: obj({ enabled: bool(false), maxRounds: int(50, 1), notifyUser: bool(true), notifyMessage: str('This conversation has ended; a new one starts now.') }),
    groupContextSharing: bool(true),
    globalSystemPrompt: str(''),
    globalPromptMode: oneOf(['append', 'prepend', 'override'], 'append'),
  }),
  memory: obj({
    enabled: bool(false),
    storage: str('database'),
    autoExtract: bool(true),
    pollInterval: int(5, 1),
    maxMemories: int(50, 1),
    model: str(''),
    groupContext: obj({
      enabled: bool(true),
      collectInterval: int(10, 1),
      maxMessagesPerCollect: int(50, 1),
      analyzeThreshold: int(20, 1),
      extractUserInfo: bool(true),
      extractTopics: bool(true),
      extractRelations: bool(true),
    }),
  }),
  presets: obj({ defaultId: str('default'), allowUserSwitch: bool(true), perUserPreset: bool(false), perGroupPreset: bool(false) }),
  personality: obj({
    priority: list({ type: 'string', enum: ['group', 'group_user', 'user', 'default'] }, ['group', 'group_user', 'user', 'default']),
    useIndependent: bool(true),
    isolateContext: obj({ enabled: bool(false), clearOnSwitch: bool(false) }),
  }),
  loadBalancing: obj({ strategy: oneOf(['priority', 'round-robin', 'random'], 'priority') }),
  thinking: obj({
    enabled: bool(true),
    defaultLevel: str('low'),
    enableReasoning: bool(false),
    showThinkingContent: bool(true),
    useForwardMsg: bool(true),
  }),
  render: obj({ mathFormula: bool(true), theme: str('light'), width: int(800, 100) }),
  output: obj({
    longText: obj({ enabled: bool(true), threshold: int(500, 1), mode: str('forward'), forwardTitle: str('Long reply') }),
    sentenceOutput: obj({ enabled: bool(false), allSentences: bool(false), minDelay: int(300), maxDelay: int(1500), randomDelay: bool(true) }),
  }),
  features: obj({
    groupSummary: obj({ enabled: bool(true), maxMessages: int(100, 1), autoTrigger: bool(false), maxChars: int(6000, 1), push: obj({}) }),
    userPortrait: obj({ enabled: bool(true), minMessages: int(10, 1) }),
    ...Object.fromEntries(['poke', 'reaction', 'recall', 'welcome', 'goodbye', 'ban', 'admin', 'luckyKing', 'honor', 'essence'].map((k) => [k, enabledOnly()])),
    imageGen: obj({
      enabled: bool(true),
      model: str('gemini-3-pro-image'),
      videoModel: str('veo-2.0-generate-001'),
      timeout: int(600000, 1),
      maxImages: int(3, 1),
      sendMode: str('direct'),
      apis: list({ type: 'object', properties: { baseUrl: SECRET_URL, apiKey: SECRET } }),
      presetSources: list({}),
      customPresets: list({}),
    }),
    voiceReply: enabledOnly(),
  }),
  voice: obj({ enabled: bool(false), defaultCharacter: str(''), maxTextLength: int(500, 1) }),
  streaming: obj({ enabled: bool(true) }),
  probe: obj({ serverUrl: str('http://127.0.0.1:9527', SECRET_URL), secretKey: str('', SECRET) }),
  trigger: obj({
    private: obj({ enabled: bool(true), mode: oneOf(['always', 'prefix', 'off'], 'prefix') }),
    group: obj({
      enabled: bool(true),
      at: bool(true),
      prefix: bool(true),
      keyword: bool(false),
      random: bool(false),
      randomRate: probability(0.05),
    }),
    prefixes: strings(['#chat']),
    keywords: strings(),
    collectGroupMsg: bool(true),
    blacklistUsers: ids(),
    whitelistUsers: ids(),
    blacklistGroups: ids(),
    whitelistGroups: ids(),
  }),
  system: obj({
    initCompleted: bool(false),
    initCompletedAt: { type: ['string', 'null'], default: null },
    tours: { type: 'object', default: {}, additionalProperties: { type: 'object' } },
  }),
};

/** The sections the kernel declares itself. */
export const KERNEL_SECTIONS: ConfigSections = Object.fromEntries(Object.entries(PROPERTIES).map(([name, schema]) => [name, { schema }]));
