// Durable commits whose sync runs off the main thread. With `synchronous = FULL`, SQLite syncs the WAL inside each
// commit, on the thread that commits: for a server, the event loop waits ~0.7 ms a commit, most of what a 10 % write
// mix costs beyond its reads (docs/benchmarks.md, sessions 26-27). A commit run through `WalSync` is made with
// `synchronous = NORMAL` (SQLite writes the WAL without syncing it; still safe from corruption, its checkpoints still
// sync) and is then made durable by fdatasync of the WAL file in libuv's thread pool; its caller is answered after that
// sync, as before after the commit. Other commits on the connection stay FULL, and each of those syncs the whole WAL,
// earlier commits included.
import { closeSync, fdatasync, openSync } from 'node:fs';
import { ServiceUnavailableError } from '../../ports/unavailable.ts';

/** Syncs a file's data to disk (fs.fdatasync's shape), calling back from libuv's thread pool. */
export type FileSync = (fd: number, done: (error: Error | null) => void) => void;

export class WalSync {
  private fd: number | null = null;
  /** The sync running, if any. */
  private running: Promise<void> | null = null;
  /** The sync that starts once the running one ends: for commits that ended while it ran. */
  private following: Promise<void> | null = null;
  /** Why a sync failed: the commits since may be lost, so no more commits are made here (see `commit`). */
  private failed: ServiceUnavailableError | null = null;

  /**
   * `walFile`: the connection's `-wal` file, opened at the first commit (SQLite creates it with the first write);
   * `setFullSync(full)`: sets the connection's `synchronous` (FULL or NORMAL).
   */
  constructor(
    private readonly walFile: string,
    private readonly setFullSync: (full: boolean) => void,
    private readonly sync: FileSync = fdatasync,
  ) {}

  /**
   * Runs `transaction` (one synchronous SQLite transaction) without SQLite's sync, and resolves with its value once the
   * WAL is on disk with it. If a sync fails, its commits' callers get a ServiceUnavailableError (X's 503; the sync's
   * error is its cause), and so does every later caller, whose transaction is not run: a failed sync can leave written
   * pages marked clean, so no later sync would prove them durable (PostgreSQL stops for the same reason).
   */
  async commit<T>(transaction: () => T): Promise<T> {
    this.check();
    this.setFullSync(false);
    let value: T;
    try {
      value = transaction();
    } finally {
      this.setFullSync(true);
    }
    await this.syncAfterNow();
    return value;
  }

  /**
   * Resolves once every commit made through `commit` so far is on disk (at once if none waits); rejects once a sync has
   * failed, as what was committed since the last good one may never reach the disk.
   */
  async settled(): Promise<void> {
    await (this.following ?? this.running)?.catch(() => {});
    this.check();
  }

  /** Throws once a sync has failed: the store can no longer promise durable likes (its health checks say so). */
  check(): void {
    if (this.failed !== null) throw this.failed;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  /** A sync that starts after now: the running one started before, so a commit that ended since waits for the next. */
  private syncAfterNow(): Promise<void> {
    if (!this.running) return this.start();
    return (this.following ??= this.running.then(
      () => this.startFollowing(),
      () => this.startFollowing(),
    ));
  }

  private startFollowing(): Promise<void> {
    this.following = null;
    return this.start();
  }

  private start(): Promise<void> {
    const running: Promise<void> = new Promise<void>((resolve, reject) => {
      if (this.failed !== null) return reject(this.failed);
      try {
        this.fd ??= openSync(this.walFile, 'r');
      } catch (error) {
        return reject((this.failed = new ServiceUnavailableError('sqlite', error)));
      }
      this.sync(this.fd, (error) => {
        if (error) reject((this.failed = new ServiceUnavailableError('sqlite', error)));
        else resolve();
      });
    }).finally(() => {
      if (this.running === running) this.running = null;
    });
    return (this.running = running);
  }
}
