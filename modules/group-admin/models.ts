/**
 * `POST /:groupId/models/fetch`: the model list of the group's own upstream, through the one upstream
 * path (`callUpstream`) as a channel of its own (not a stored one), accounted for the group. A masked key is resolved only against the stored channel it belongs to and only for
 * that channel's stored base URL (docs/http.md#secrets): another URL needs the real key. The URL is a
 * group admin's choice, so it gets the fetch tools' address policy: no loopback, private or
 * metadata address unless the master allows it (`builtinTools.fetch`).
 */
import { HttpError, isMasked } from '../../kernel/index.ts';
import { callUpstream, channelDefaults, normaliseBaseUrl, upstreamFailure, type AdapterType, type Channel, type UpstreamDeps } from '../../lib/llm/index.ts';
import type { Settings } from '../../lib/group-settings/index.ts';
import type { NetworkPolicy } from '../../lib/net/index.ts';

export interface FetchModelsBody {
  adapterType?: AdapterType;
  baseUrl: string;
  apiKey: string;
  modelsPath?: string;
}

type StoredChannel = { baseUrl?: string; apiKey?: string };

/** The real key for a request, or 400 when a masked key cannot be resolved. */
function resolveKey(body: FetchModelsBody, channel: Settings, adapterType: AdapterType): string {
  if (!isMasked(body.apiKey)) return body.apiKey;
  const tail = body.apiKey.slice(body.apiKey.lastIndexOf('*') + 1);
  const stored: StoredChannel[] = [channel as StoredChannel, ...((channel.channels as StoredChannel[] | undefined) ?? [])];
  const wanted = normaliseBaseUrl(body.baseUrl, adapterType);
  const match = stored.find((c) => c.apiKey && tail && c.apiKey.endsWith(tail) && c.baseUrl && normaliseBaseUrl(c.baseUrl, adapterType) === wanted);
  if (!match) {
    throw new HttpError(400, 'VALIDATION_ERROR', 'A masked API key can only be used with the base URL it is stored for; send the full key', {
      details: [{ path: 'body.apiKey', message: 'is masked and matches no stored key for this base URL' }],
    });
  }
  return match.apiKey!;
}

/** The group's upstream as a channel: the given URL, key and models path, the channel defaults otherwise. */
function groupChannel(body: FetchModelsBody, apiKey: string, adapterType: AdapterType): Channel {
  const baseUrl = normaliseBaseUrl(body.baseUrl, adapterType);
  return {
    ...channelDefaults(adapterType),
    id: 'group-upstream',
    name: 'group upstream',
    baseUrl,
    baseUrls: [baseUrl],
    apiKey,
    modelsPath: body.modelsPath ?? '',
    timeout: { connect: 10_000, read: 15_000 },
  };
}

/** Sorted model ids of the group's upstream; 403 URL_NOT_ALLOWED for an address `network` refuses. */
export async function fetchModels(deps: UpstreamDeps, groupId: string, body: FetchModelsBody, stored: Settings, network: NetworkPolicy, signal?: AbortSignal): Promise<string[]> {
  const adapterType = body.adapterType ?? 'openai';
  const channel = groupChannel(body, resolveKey(body, stored, adapterType), adapterType);
  try {
    const { value: models } = await callUpstream(deps, channel, { kind: 'models', source: 'api', groupId, stored: false, signal, network });
    return [...new Set(models)].sort();
  } catch (err) {
    throw upstreamFailure(err, 'The upstream did not list its models');
  }
}
