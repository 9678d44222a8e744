/** The options of a bench network preset picker (a tile's, the toolbar's "Network for all"). */
import { NETWORK_PRESETS } from '../../src-preload/network-conditions';

interface Props {
  /** Adds a "Custom" option, shown but not pickable: the figures in force were set elsewhere (the dashboard). */
  custom?: boolean;
}

export function PresetOptions({ custom = false }: Props) {
  return (
    <>
      <option value="none">No conditions</option>
      {NETWORK_PRESETS.map((preset) => (
        <option key={preset.id} value={preset.id}>
          {preset.label}
        </option>
      ))}
      {custom && (
        <option value="custom" disabled>
          Custom
        </option>
      )}
    </>
  );
}
