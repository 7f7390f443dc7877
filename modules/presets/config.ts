/** The `presets` configuration section (docs/modules.md#lifetimes): declared by this module's index, read by the offline `npm run config`. */
import { bool, obj, sections, str } from '../../lib/config-schema.ts';

export default sections({
  presets: obj({ defaultId: str('default'), allowUserSwitch: bool(true), perUserPreset: bool(false), perGroupPreset: bool(false) }),
});
