/**
 * Keyword-based skill suggestions (`POST /api/skills/recommend`). The original's keyword table
 * pointed at categories that never matched (docs/api.md#skills); here the words map to the category
 * keys tools really use, and the words of the context also count against names and descriptions.
 */
import type { ToolView } from '../../lib/tool-state/view.ts';
import { score } from './skills.ts';

const KEYWORDS: Array<[RegExp, string[]]> = [
  [/time|date|day|week|month|year|clock|zone|时间|日期|几点|星期/i, ['basic']],
  [/calc|math|sum|plus|minus|multipl|divid|sqrt|random|dice|pick|choose|text|encode|decode|hash|base64|计算|随机|文本/i, ['utils']],
  [/url|http|web|page|site|link|fetch|download|网页|网站|链接/i, ['web', 'search']],
  [/weather|天气/i, ['search', 'extra']],
  [/search|find|look ?up|wiki|translat|搜索|查找|翻译/i, ['search']],
  [/group|member|群/i, ['group', 'groupStats']],
  [/message|send|reply|消息|发送/i, ['message']],
  [/image|picture|photo|draw|图片|画/i, ['media', 'imageGen']],
  [/file|文件/i, ['file']],
  [/remember|memory|记住|记忆/i, ['memory']],
  [/remind|reminder|schedule|提醒|定时/i, ['reminder', 'schedule']],
];

export function recommend(tools: ToolView[], context: string, limit: number) {
  const categories = new Set(KEYWORDS.filter(([pattern]) => pattern.test(context)).flatMap(([, keys]) => keys));
  const words = context.toLowerCase().split(/[^\p{L}\p{N}_]+/u).filter((w) => w.length >= 3);
  return tools
    .filter((t) => t.available)
    .map((t) => ({ t, s: (categories.has(t.category) ? 30 : 0) + words.reduce((sum, w) => sum + score(t, w), 0) }))
    .filter((r) => r.s > 0)
    .sort((a, b) => b.s - a.s || a.t.name.localeCompare(b.t.name))
    .slice(0, limit)
    .map(({ t }) => ({ name: t.name, description: t.description, category: t.category, source: t.source }));
}
