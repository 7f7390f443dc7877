/** Names, descriptions and icons of the category keys the panel shows (docs/api.md#tools). */

export interface CategoryInfo {
  name: string;
  description: string;
  icon: string;
}

const BUILTIN: Record<string, CategoryInfo> = {
  basic: { name: 'Basic', description: 'Time, dates and calendars', icon: 'Clock' },
  user: { name: 'Users', description: 'User profiles', icon: 'User' },
  group: { name: 'Groups', description: 'Group info, members and notices', icon: 'Users' },
  message: { name: 'Messages', description: 'Send, forward, recall and read messages', icon: 'MessageSquare' },
  admin: { name: 'Group administration', description: 'Mute, kick, cards and notices', icon: 'Shield' },
  groupStats: { name: 'Group statistics', description: 'Activity rankings', icon: 'BarChart' },
  file: { name: 'Files', description: 'Group files and local files', icon: 'File' },
  web: { name: 'Web', description: 'Fetch URLs and read web pages', icon: 'Globe' },
  memory: { name: 'Memory', description: 'User memories', icon: 'Brain' },
  context: { name: 'Context', description: 'Conversation context', icon: 'Layers' },
  media: { name: 'Media', description: 'Images, video, music and QR codes', icon: 'Image' },
  search: { name: 'Search', description: 'Search, wiki, translation and weather', icon: 'Search' },
  utils: { name: 'Utilities', description: 'Maths, random numbers and text utilities', icon: 'Wrench' },
  bot: { name: 'Bot', description: 'Information about the bot itself', icon: 'Bot' },
  voice: { name: 'Voice', description: 'Text to speech and voice chat', icon: 'Mic' },
  extra: { name: 'Extras', description: 'Weather, dice, countdowns and illustrations', icon: 'Sparkles' },
  shell: { name: 'Shell', description: 'Shell commands (dangerous, master only)', icon: 'Terminal' },
  schedule: { name: 'Schedules', description: 'Scheduled tasks in natural language', icon: 'Calendar' },
  bltools: { name: 'More tools', description: 'Music, stickers, Bilibili, GitHub, mind maps', icon: 'Music' },
  reminder: { name: 'Reminders', description: 'Reminders', icon: 'Bell' },
  imageGen: { name: 'Image generation', description: 'Image generation', icon: 'Palette' },
  qzone: { name: 'QQ zone', description: 'QQ zone posts', icon: 'Star' },
  custom: { name: 'Custom tools', description: 'Tools defined through the API', icon: 'Code' },
  js: { name: 'JS tools', description: 'Tools from JavaScript tool files', icon: 'FileCode' },
};

/** Metadata of a category key; an MCP server's category (`mcp:<server>`) is described after its server. */
export function categoryInfo(key: string): CategoryInfo {
  if (key.startsWith('mcp:')) return { name: `MCP: ${key.slice(4)}`, description: `Tools of the MCP server "${key.slice(4)}"`, icon: 'Plug' };
  return BUILTIN[key] ?? { name: key, description: '', icon: 'Box' };
}
