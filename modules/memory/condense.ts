/**
 * Condensing many memories into a few through an LLM, over the one upstream path (`callUpstream`):
 * the channel's key strategy and overrides apply as for a chat, and the call is accounted for as a
 * `summary` made by the server for the memories' user. The channel is the enabled one with a key
 * that serves `memory.model` (else `llm.defaultModel`), lowest priority number first; failing that,
 * the first enabled channel with its own first model.
 */
import { HttpError, type ConfigService, type Store } from '../../kernel/index.ts';
import { callUpstream, servesModel, upstreamFailure, usableChannels, type Channel, type UpstreamDeps } from '../../lib/llm/index.ts';

export interface ChannelChoice {
  channel: Channel;
  model: string;
}

/** The channel to use, or 503 CHANNEL_UNAVAILABLE. */
export async function chooseChannel(store: Store, config: ConfigService): Promise<ChannelChoice> {
  const channels = await usableChannels(store);
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

/** Asks the LLM for a condensed list of `userId`'s `facts`; at most `facts.length - 1` lines come back. */
export async function condense(deps: UpstreamDeps, choice: ChannelChoice, userId: string, facts: string[], signal?: AbortSignal): Promise<string[]> {
  const { channel, model } = choice;
  const max = Math.max(1, Math.ceil(facts.length / 2));
  const messages = [
    { role: 'system' as const, content: PROMPT(max) },
    { role: 'user' as const, content: facts.map((f) => `- ${f}`).join('\n') },
  ];
  let content: string;
  try {
    const { value } = await callUpstream(deps, channel, { kind: 'summary', source: 'system', userId, signal, request: { model, messages, temperature: 0.2, maxTokens: 1000 } });
    content = value.content;
  } catch (err) {
    throw upstreamFailure(err, `Channel "${channel.name}" failed`);
  }
  const lines = content
    .split('\n')
    .map((l) => l.replace(/^\s*(?:[-*•]|\d+[.)])\s*/, '').trim().slice(0, 2000))
    .filter(Boolean);
  return [...new Set(lines)].slice(0, facts.length - 1);
}
