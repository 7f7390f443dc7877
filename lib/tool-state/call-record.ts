/** One tool call as the tools module's call log and the stats module both keep it (the original's record shape). */
export interface ToolCallRecord {
  id: string;
  timestamp: number;
  toolName: string;
  /** The arguments, masked; a long one cut to a preview. */
  request: unknown;
  response: unknown;
  success: boolean;
  error: string | null;
  duration: number;
  userId: string | null;
  groupId: string | null;
  /** `builtin`, `custom` or `mcp`. */
  source: string;
  /** The module that ran it (`tools`, `skills`, `chat`, …). */
  caller: string;
}
