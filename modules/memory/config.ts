/** The `memory` configuration section (docs/modules.md#lifetimes): declared by this module's index, read by the offline `npm run config`. */
import { bool, int, obj, sections, str } from '../../lib/config-schema.ts';

export default sections({
  memory: obj({
    enabled: bool(false),
    storage: str('database'),
    autoExtract: bool(true),
    pollInterval: int(5, 1),
    maxMemories: int(50, 1),
    model: str(''),
    groupContext: obj({
      enabled: bool(true),
      collectInterval: int(10, 1),
      maxMessagesPerCollect: int(50, 1),
      analyzeThreshold: int(20, 1),
      extractUserInfo: bool(true),
      extractTopics: bool(true),
      extractRelations: bool(true),
    }),
  }),
});
