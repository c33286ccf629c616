import type { Settling } from './settling.ts';

/**
 * Lookups remembered while the data version they were read under stays current. The version must be read
 * before the lookup and bumped after every write that could change it; then a remembered value is never older
 * than the version a request saw. A null version (no version covers every writer) always reads through.
 */
export class VersionedMemo {
  private version: string | null = null;
  private readonly values = new Map<string, unknown>();

  constructor(private readonly maxEntries: number = 10_000) {}

  /** The value remembered under `key`, returned as it is (no promise to wait for), else `load`ed and remembered. */
  get<T>(version: string | null, key: string, load: () => Promise<T>): Settling<T> {
    if (version === null) return load();
    if (version !== this.version) {
      this.values.clear();
      this.version = version;
    }
    const value = this.values.get(key);
    if (value !== undefined || this.values.has(key)) return value as T;
    return this.remember(version, key, load);
  }

  private async remember<T>(version: string, key: string, load: () => Promise<T>): Promise<T> {
    const value = await load();
    // A newer version may have arrived while loading; then this value belongs to no current version.
    if (this.version === version) {
      if (this.values.size >= this.maxEntries) this.values.clear();
      this.values.set(key, value);
    }
    return value;
  }
}
