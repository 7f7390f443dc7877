/**
 * Condensing many memories into a few through an LLM, over the chat path's channel adapters
 * (`lib/llm`). The channel is the enabled one with a key that serves `memory.model` (else
 * `llm.defaultModel`), lowest priority number first; failing that, the first enabled channel
 * with its own first model.
 */
import { HttpError, type ConfigService, type Store } from '../../kernel/index.ts';
import {
  UpstreamError,
  adapterFor,
  channelsCollection,
  endpointFor,
  mapModel,
  recordCall,
  selectKey,
  servesModel,
  type Channel,
  type Usage,
} from '../../lib/llm/index.ts';

export interface ChannelChoice {
  channel: Channel;
  model: string;
}

const hasKey = (c: Channel) => !!c.apiKey || (c.apiKeys ?? []).some((k) => k.key && k.enabled !== false);

/** The channel to use, or 503 CHANNEL_UNAVAILABLE. */
export async function chooseChannel(store: Store, config: ConfigService): Promise<ChannelChoice> {
  const channels = (await channelsCollection(store).read()).channels.filter((c) => c.enabled && hasKey(c)).sort((a, b) => a.priority - b.priority);
  const wanted = config.get<string>('memory.model') || config.get<string>('llm.defaultModel') || '';
  const serving = wanted ? channels.find((c) => servesModel(c, wanted)) : undefined;
  const channel = serving ?? channels[0];
  const model = serving ? wanted : (channel?.models?.[0] ?? wanted);
  if (!channel || !model) {
    throw new HttpError(503, 'CHANNEL_UNAVAILABLE', 'No enabled channel with an API key and a model is available to summarize with; add one under /api/channels');
  }
  return { channel, model };
}

const PROMPT = (max: number) =>
  `You maintain long-term memories about one chat user. Merge the facts below into at most ${max} short, ` +
  'self-contained facts without losing information. Answer with the facts only, one per line, without numbering or commentary.';

/** Asks the LLM for a condensed list of `facts`; at most `facts.length - 1` lines come back. */
export async function condense(store: Store, choice: ChannelChoice, facts: string[], signal?: AbortSignal): Promise<string[]> {
  const { channel, model } = choice;
  const key = selectKey(channel);
  const started = Date.now();
  const record = (ok: boolean, extra: { usage?: Usage; errorType?: string; errorMessage?: string } = {}) =>
    recordCall(store, { channelId: channel.id, model, keyIndex: key.index, ok, durationMs: Date.now() - started, source: 'memory', ...extra });
  const max = Math.max(1, Math.ceil(facts.length / 2));
  try {
    const result = await adapterFor(channel.adapterType).chat(endpointFor(channel, key.key, signal), {
      model: mapModel(channel, model),
      messages: [
        { role: 'system', content: PROMPT(max) },
        { role: 'user', content: facts.map((f) => `- ${f}`).join('\n') },
      ],
      temperature: 0.2,
      maxTokens: 1000,
    });
    await record(true, { usage: result.usage });
    const lines = result.content
      .split('\n')
      .map((l) => l.replace(/^\s*(?:[-*•]|\d+[.)])\s*/, '').trim().slice(0, 2000))
      .filter(Boolean);
    return [...new Set(lines)].slice(0, facts.length - 1);
  } catch (err) {
    if (!(err instanceof UpstreamError)) throw err;
    await record(false, { errorType: err.status ? `http_${err.status}` : err.kind, errorMessage: err.message });
    throw new HttpError(502, 'API_ERROR', `Channel "${channel.name}" failed: ${err.message}`, { extra: { upstreamStatus: err.status } });
  }
}
