/**
 * Strict checks of what the bridge sends: the action request's shape (communication/ws.md) and the
 * params of the actions the bridge uses (api/public.md and the forward extension). A failed check
 * is a reason string, answered `failed` with retcode 1400 as an implementation answers a bad
 * request. Stricter than NapCat in one way on purpose: a message must be in the array format,
 * which is what the bridge promises to send (docs/bot.md#connections).
 */

/** An action request that passed the shape check. */
export interface ActionRequest {
  action: string;
  params: Record<string, unknown>;
  echo: unknown;
}

/** Required `data` fields of the segment types an implementation accepts in a sent message. */
const SEND_SEGMENTS: Record<string, string[]> = {
  text: ['text'],
  at: ['qq'],
  reply: ['id'],
  face: ['id'],
  image: ['file'],
  record: ['file'],
  video: ['file'],
  share: ['url', 'title'],
  json: ['data'],
  xml: ['data'],
  dice: [],
  rps: [],
  shake: [],
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A frame as read: the request when its shape is right, else why not (with what could be read of it). */
export interface ReadFrame {
  /** The parsed frame, or the text when it is not JSON. */
  frame: unknown;
  action?: string;
  echo?: unknown;
  request?: ActionRequest;
  error?: string;
}

/** Parses a frame and checks its shape: `action` a non-empty string, `params` an object, `echo` present. */
export function readFrame(text: string): ReadFrame {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return { frame: text, error: 'the frame is not JSON' };
  }
  if (!isObject(frame)) return { frame, error: 'the frame is not a JSON object' };
  const { action, params, echo } = frame;
  const read = { frame, echo, action: typeof action === 'string' ? action : undefined };
  if (!read.action) return { ...read, error: 'action must be a non-empty string' };
  if (!isObject(params)) return { ...read, error: 'params must be an object' };
  if (echo === undefined || echo === null) return { ...read, error: 'echo is missing, so the answer could not be matched' };
  return { ...read, request: { action: read.action, params, echo } };
}

function positiveId(params: Record<string, unknown>, key: string): string | undefined {
  const v = params[key];
  return Number.isSafeInteger(v) && (v as number) > 0 ? undefined : `${key} must be a positive integer, got ${JSON.stringify(v)}`;
}

function checkSegment(s: unknown, i: number): string | undefined {
  if (!isObject(s) || typeof s.type !== 'string' || !isObject(s.data)) return `segment ${i} must be {type, data}`;
  const { type, data } = s;
  const required = SEND_SEGMENTS[type];
  if (!required) return `segment ${i} has an unknown type "${type}"`;
  for (const [k, v] of Object.entries(data)) {
    if (typeof v !== 'string') return `segment ${i} (${type}): data.${k} must be a string, got ${JSON.stringify(v)}`;
  }
  const missing = required.find((k) => !data[k]);
  if (missing) return `segment ${i} (${type}) needs a non-empty data.${missing}`;
  if (type === 'at' && !/^(\d+|all)$/.test(data.qq as string)) return `segment ${i}: at.qq must be digits or "all"`;
  if (type === 'reply' && !/^-?\d+$/.test(data.id as string)) return `segment ${i}: reply.id must be a message id`;
  if (type === 'reply' && i !== 0) return `segment ${i}: a reply segment must come first`;
  return undefined;
}

/** A message in the array format: segments of known types, string data, a reply only first, some content. */
function checkMessage(message: unknown): string | undefined {
  if (typeof message === 'string') return 'message is a string; the bridge must send the array format';
  if (!Array.isArray(message)) return 'message must be an array of segments';
  for (const [i, s] of message.entries()) {
    const problem = checkSegment(s, i);
    if (problem) return problem;
  }
  if (!message.some((s: { type: string }) => s.type !== 'reply')) return 'message has no content';
  return undefined;
}

/** Custom forward nodes: `{type: "node", data: {user_id, nickname, content: [segments]}}`. */
function checkNodes(messages: unknown): string | undefined {
  if (!Array.isArray(messages) || messages.length === 0) return 'messages must be a non-empty array of node segments';
  for (const [i, node] of messages.entries()) {
    if (!isObject(node) || node.type !== 'node' || !isObject(node.data)) return `messages[${i}] must be a node segment`;
    const { user_id: userId, nickname, content } = node.data;
    if (!(typeof userId === 'string' ? /^\d+$/.test(userId) : Number.isSafeInteger(userId))) {
      return `messages[${i}]: user_id must be a QQ number`;
    }
    if (typeof nickname !== 'string' || nickname === '') return `messages[${i}]: nickname must be a non-empty string`;
    const problem = checkMessage(content);
    if (problem) return `messages[${i}].content: ${problem}`;
  }
  return undefined;
}

type ParamCheck = (params: Record<string, unknown>) => string | undefined;

/** The actions the simulator implements and how each checks its params. */
export const ACTIONS: Record<string, ParamCheck> = {
  send_group_msg: (p) => positiveId(p, 'group_id') ?? checkMessage(p.message),
  send_private_msg: (p) => positiveId(p, 'user_id') ?? checkMessage(p.message),
  send_group_forward_msg: (p) => positiveId(p, 'group_id') ?? checkNodes(p.messages),
  send_private_forward_msg: (p) => positiveId(p, 'user_id') ?? checkNodes(p.messages),
  delete_msg: (p) => (Number.isSafeInteger(p.message_id) ? undefined : 'message_id must be an integer'),
  get_login_info: () => undefined,
  get_group_list: () => undefined,
};
