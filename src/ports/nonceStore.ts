/** Remembers OAuth 1.0a nonces for the timestamp window, so a replayed request is refused. */
export interface NonceStore {
  /** Records the nonce; false when it was already seen within `ttlMs`. */
  remember(key: string, ttlMs: number, now: number): Promise<boolean>;
  close(): Promise<void>;
}
