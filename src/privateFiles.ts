// Files that hold secrets (the SQLite database, the sealing key, demo credentials) and the directory holding them
// are for this user only: 0700 and 0600 whatever the umask, and tightened when they already exist with looser modes.
import { chmodSync, closeSync, linkSync, mkdirSync, openSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Sets `mode` on `path` when it exists, is ours and has other bits; a path we do not own is left alone. */
function tighten(path: string, mode: number): void {
  let st;
  try {
    st = statSync(path);
  } catch {
    return;
  }
  if ((st.mode & 0o777) === mode) return;
  if (typeof process.getuid === 'function' && st.uid !== process.getuid()) return;
  chmodSync(path, mode);
}

/** Creates `dir` (and missing parents) and makes `dir` itself 0700. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  tighten(dir, PRIVATE_DIR_MODE);
}

/** Makes an existing file 0600 (no-op when absent). */
export function restrictFile(file: string): void {
  tighten(file, PRIVATE_FILE_MODE);
}

/** Creates `file` empty with mode 0600 when absent, and makes it 0600 either way. */
export function touchPrivateFile(file: string): void {
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  restrictFile(file);
}

/** Writes `file` atomically (temp file, then rename) with mode 0600. */
export function writePrivateFile(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, content, { mode: PRIVATE_FILE_MODE });
  chmodSync(tmp, PRIVATE_FILE_MODE);
  renameSync(tmp, file);
}

/**
 * Creates `file` with `content` and mode 0600 only if it does not exist yet; returns false when it did (another
 * process got there first: read theirs). Written aside and hard-linked into place, so nobody reads it half-written.
 */
export function createPrivateFileExclusive(file: string, content: string): boolean {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, content, { mode: PRIVATE_FILE_MODE });
  chmodSync(tmp, PRIVATE_FILE_MODE);
  try {
    linkSync(tmp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(tmp);
  }
}
