/** Memory categories (docs/api.md#memory): the documented keys, with the original's keys accepted as aliases. */

export const CATEGORIES = ['basic_info', 'preferences', 'events', 'relationships', 'interests', 'custom'] as const;
export type Category = (typeof CATEGORIES)[number];

export const LABELS: Record<Category, string> = {
  basic_info: 'Basic info',
  preferences: 'Preferences',
  events: 'Events',
  relationships: 'Relationships',
  interests: 'Interests',
  custom: 'Other',
};

/** Sub-types known per category (free text is accepted too). */
export const SUB_TYPES: Record<Category, string[]> = {
  basic_info: ['name', 'age', 'gender', 'location', 'occupation', 'education', 'contact'],
  preferences: ['like', 'dislike', 'hobby', 'habit', 'food', 'style'],
  events: ['birthday', 'anniversary', 'plan', 'milestone', 'schedule'],
  relationships: ['family', 'friend', 'colleague', 'partner', 'pet'],
  interests: ['interest', 'discussed', 'knowledge'],
  custom: [],
};

/** The original implementation's keys (docs/api.md#memory). */
export const ALIASES: Record<string, Category> = {
  profile: 'basic_info',
  preference: 'preferences',
  event: 'events',
  relation: 'relationships',
  topic: 'interests',
};

/** Every key a client may send. */
export const CATEGORY_INPUTS = [...CATEGORIES, ...Object.keys(ALIASES)];

export function toCategory(input: string): Category {
  return ALIASES[input] ?? (input as Category);
}
