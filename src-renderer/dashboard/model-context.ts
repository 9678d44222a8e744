/**
 * React access to the one DashboardModel: a context for the instance and a
 * hook that subscribes a component to one of its stores.
 */
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { DashboardModel } from './model/dashboard-model';
import type { Store } from './model/store';

export const ModelContext = createContext<DashboardModel | null>(null);

export function useModel(): DashboardModel {
  const model = useContext(ModelContext);
  if (!model) throw new Error('useModel needs a <ModelContext.Provider>');
  return model;
}

export function useStore<T>(store: Store<T>): T {
  return useSyncExternalStore(store.subscribe, store.get);
}
