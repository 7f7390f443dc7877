/**
 * What the simulated account answers to a valid action request (api/public.md), and the answer
 * frame `{status, retcode, data, echo}` of communication/ws.md.
 */
import { ACTIONS, type ActionRequest } from './validate.ts';

export interface Answer {
  status: 'ok' | 'failed';
  retcode: number;
  data: unknown;
  echo?: unknown;
  /** A reason on failures, as NapCat and go-cqhttp add one (not part of OneBot v11). */
  message?: string;
}

export interface GroupInfo {
  groupId: number;
  name: string;
  memberCount?: number;
}

/** The bot account behind the simulator: its identity, its groups and the message ids it handed out. */
export class Account {
  private lastMessageId = 1000;
  /** Ids a `delete_msg` may name: every message sent to the bridge or by it, until deleted. */
  private readonly live = new Set<number>();

  constructor(
    readonly selfId: number,
    readonly nickname: string,
    public groups: GroupInfo[],
  ) {}

  /** A new message id, increasing. */
  newMessageId(): number {
    this.lastMessageId += 1;
    this.live.add(this.lastMessageId);
    return this.lastMessageId;
  }

  /** Marks an id chosen by a test as a message that exists. */
  known(messageId: number): number {
    this.live.add(messageId);
    return messageId;
  }

  /** Performs a request whose shape and params passed the checks. */
  perform({ action, params }: ActionRequest): Omit<Answer, 'echo'> {
    switch (action) {
      case 'send_group_msg':
      case 'send_private_msg':
      case 'send_group_forward_msg':
      case 'send_private_forward_msg':
        return ok({ message_id: this.newMessageId() });
      case 'delete_msg':
        if (!this.live.delete(params.message_id as number)) return failed(1400, `no message ${params.message_id}`);
        return ok(null);
      case 'get_login_info':
        return ok({ user_id: this.selfId, nickname: this.nickname });
      case 'get_group_list':
        return ok(
          this.groups.map((g) => ({
            group_id: g.groupId,
            group_name: g.name,
            member_count: g.memberCount ?? 10,
            max_member_count: 500,
          })),
        );
      default:
        throw new Error(`perform(${action}): refuse() answers actions the simulator does not know`);
    }
  }
}

/** Checks a request's params; `undefined` when the action is known and its params are right. */
export function refuse({ action, params }: ActionRequest): Omit<Answer, 'echo'> | undefined {
  const check = ACTIONS[action];
  if (!check) return failed(1404, `unknown action ${action}`);
  const problem = check(params);
  return problem ? failed(1400, problem) : undefined;
}

function ok(data: unknown): Omit<Answer, 'echo'> {
  return { status: 'ok', retcode: 0, data };
}

export function failed(retcode: number, message: string): Omit<Answer, 'echo'> {
  return { status: 'failed', retcode, data: null, message };
}
