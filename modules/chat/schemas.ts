/** Request schema of `POST /api/chat` and `POST /api/chat/stream` (docs/api.md#chat). */

/** Ids that become part of a conversation id (`user:<userId>`, `group:<groupId>`). */
const idPart = { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' };

export const chatBody = {
  type: 'object',
  properties: {
    message: { type: 'string', minLength: 1, maxLength: 32000 },
    userId: idPart,
    groupId: idPart,
    presetId: { type: 'string', minLength: 1, maxLength: 100 },
    /** The en docs' name for `presetId`. */
    preset: { type: 'string', minLength: 1, maxLength: 100 },
    model: { type: 'string', minLength: 1, maxLength: 200 },
    stream: { type: 'boolean' },
    temperature: { type: 'number', minimum: 0, maximum: 2 },
    maxTokens: { type: 'integer', minimum: 1, maximum: 128000 },
    /** false: answer without tools even when the preset allows them. */
    tools: { type: 'boolean' },
  },
  required: ['message', 'userId'],
  additionalProperties: false,
};

export interface ChatBody {
  message: string;
  userId: string;
  groupId?: string;
  presetId?: string;
  preset?: string;
  model?: string;
  stream?: boolean;
  temperature?: number;
  maxTokens?: number;
  tools?: boolean;
}
