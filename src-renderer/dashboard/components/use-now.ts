import { useModel, useStore } from '../model-context';

/** The model's one-second clock: components showing uptimes and ages re-render with it. */
export function useNow(): number {
  return useStore(useModel().clock);
}
