/**
 * A preset's system prompt as a chat turn sends it, and as `GET /api/presets/:id/prompt` shows it
 * (docs/api.md#presets): one renderer, so that what the panel previews is what the model is told.
 * The original's variables are substituted; an unknown `{{name}}` is left as written.
 */
import type { Preset } from './types.ts';

const pad = (n: number) => String(n).padStart(2, '0');

/** The variables of the original plugin that depend on the preset and the clock only (server time zone). */
function variables(preset: Preset, now: Date): Record<string, string> {
  const date = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  const time = `${pad(now.getHours())}:${pad(now.getMinutes())}`;
  return { bot_name: preset.persona?.name || preset.name, preset_name: preset.name, date, time, datetime: `${date} ${time}` };
}

/** The preset's own part of the system prompt: '' when `disableSystemPrompt` is set. */
export function renderPresetPrompt(preset: Preset, now = new Date()): string {
  if (preset.disableSystemPrompt) return '';
  const values = variables(preset, now);
  return (preset.systemPrompt ?? '').replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => (Object.hasOwn(values, name) ? values[name] : whole));
}
