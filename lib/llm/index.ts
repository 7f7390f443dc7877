/**
 * The LLM path's public surface: channel rules, and the one call every upstream request goes through
 * (`callUpstream`, with its accounting). The adapters themselves stay inside: see adapters.ts.
 */
export * from './types.ts';
export * from './channel.ts';
export { UpstreamError, upstreamFailure } from './errors.ts';
export { upstreamRequest, type UpstreamResponse } from './http.ts';
export { usableChannels } from './available.ts';
export { enabledKeys, selectKey, type SelectedKey } from './keys.ts';
export { parseSse, sseJson } from './sse.ts';
export * from './usage.ts';
export * from './call.ts';
