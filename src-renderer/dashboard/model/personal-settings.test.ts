import { describe, expect, it } from 'vitest';
import { memoryStorage } from '../../testing/memory-storage';
import { DEFAULT_PERSONAL, loadPersonal, loadSessionId, parsePersonalSettings, PERSONAL_KEY, savePersonal, saveSessionId, SESSION_ID_KEY } from './personal-settings';

describe('personal settings', () => {
  it('round-trips through storage', () => {
    const storage = memoryStorage();
    expect(loadPersonal(storage)).toEqual(DEFAULT_PERSONAL);
    expect(savePersonal(storage, { displayName: 'Ada', autoConnect: true, welcomed: true })).toBe(true);
    expect(loadPersonal(storage)).toEqual({ displayName: 'Ada', autoConnect: true, welcomed: true });
  });

  it('treats garbage and invalid values as defaults, field by field', () => {
    expect(parsePersonalSettings('not json')).toEqual(DEFAULT_PERSONAL);
    expect(parsePersonalSettings('42')).toEqual(DEFAULT_PERSONAL);
    expect(parsePersonalSettings(JSON.stringify({ displayName: '', autoConnect: 'yes', welcomed: true }))).toEqual({
      displayName: null,
      autoConnect: false,
      welcomed: true,
    });
  });

  it('survives a storage that throws', () => {
    const hostile = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('quota');
      },
      removeItem: () => undefined,
    };
    expect(loadPersonal(hostile)).toEqual(DEFAULT_PERSONAL);
    expect(savePersonal(hostile, DEFAULT_PERSONAL)).toBe(false);
    expect(loadSessionId(hostile)).toBeNull();
    expect(savePersonal(null, DEFAULT_PERSONAL)).toBe(false);
  });

  it('keeps a valid per-tab peer id only', () => {
    const storage = memoryStorage();
    saveSessionId(storage, 'tester-1');
    expect(loadSessionId(storage)).toBe('tester-1');
    storage.setItem(SESSION_ID_KEY, 'bad id!');
    expect(loadSessionId(storage)).toBeNull();
    saveSessionId(storage, null);
    expect(storage.getItem(SESSION_ID_KEY)).toBeNull();
    expect(storage.getItem(PERSONAL_KEY)).toBeNull();
  });
});
