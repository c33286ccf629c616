// Progress of a long load: on a terminal one line redrawn in place (bar, count, rate, ETA); elsewhere (CI logs,
// pipes) a plain line every few seconds, so logs stay readable.

export interface ProgressSink {
  /** Starts a counted phase of `total` units (rows). */
  start(phase: string, total: number): void;
  /** Sets how many units of the current phase are done. */
  update(done: number): void;
  /** Ends the phase, printing its final count and rate. */
  end(): void;
  /** A one-off message. */
  note(message: string): void;
  /** A step without a count (an index build): announced when it starts, its duration printed when it ends. */
  stepStart(name: string): void;
  stepEnd(name: string, ms: number): void;
}

export interface ProgressOptions {
  /** Where lines go (default process.stderr). */
  stream?: NodeJS.WriteStream | { write(s: string): boolean; isTTY?: boolean; columns?: number };
  /** Force the terminal or the plain style (default: the stream's isTTY). */
  tty?: boolean;
  /** Plain style: seconds between lines (default 5). */
  everySeconds?: number;
  /** Terminal style: milliseconds between redraws (default 100). */
  redrawMs?: number;
  now?: () => number;
}

const si = (n: number): string => {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
};

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  const mm = String(m).padStart(h ? 2 : 1, '0');
  return `${h ? `${h}:` : ''}${mm}:${String(r).padStart(2, '0')}`;
}

export function createProgress(options: ProgressOptions = {}): ProgressSink {
  const stream = options.stream ?? process.stderr;
  const tty = options.tty ?? Boolean(stream.isTTY);
  const every = (options.everySeconds ?? 5) * 1000;
  const redraw = options.redrawMs ?? 100;
  const now = options.now ?? (() => performance.now());
  let phase = '';
  let total = 0;
  let done = 0;
  let started = 0;
  let lastDraw = 0;
  let drawn = false;

  const rateOf = (t: number) => (t > started ? (done / (t - started)) * 1000 : 0);

  const line = (t: number): string => {
    const rate = rateOf(t);
    const eta = rate > 0 ? (total - done) / rate : Number.NaN;
    const pct = total > 0 ? Math.min(100, (done / total) * 100) : 100;
    return `${phase} ${pct.toFixed(1).padStart(5)}%  ${si(done)}/${si(total)}  ${si(rate)}/s  ETA ${formatDuration(eta)}`;
  };

  const draw = (t: number) => {
    const width = Math.max(20, ((stream as { columns?: number }).columns || 80) - 1);
    const text = line(t);
    const barWidth = Math.max(10, Math.min(40, width - text.length - 3));
    const filled = total > 0 ? Math.round((Math.min(done, total) / total) * barWidth) : barWidth;
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}]`;
    const full = `${bar} ${text}`.slice(0, width);
    stream.write(`\r${full}\x1b[K`);
    drawn = true;
  };

  return {
    start(name, count) {
      phase = name;
      total = count;
      done = 0;
      started = now();
      lastDraw = started;
      if (tty) draw(started);
    },
    update(value) {
      done = value;
      const t = now();
      if (tty) {
        if (t - lastDraw >= redraw) {
          lastDraw = t;
          draw(t);
        }
      } else if (t - lastDraw >= every) {
        lastDraw = t;
        stream.write(`${line(t)}\n`);
      }
    },
    end() {
      const t = now();
      const seconds = (t - started) / 1000;
      const summary = `${phase}: ${si(done)} in ${seconds.toFixed(1)} s (${si(rateOf(t))}/s)`;
      if (tty && drawn) stream.write(`\r${summary}\x1b[K\n`);
      else stream.write(`${summary}\n`);
      drawn = false;
    },
    note(message) {
      if (tty && drawn) stream.write('\n');
      drawn = false;
      stream.write(`${message}\n`);
    },
    stepStart(name) {
      if (tty && drawn) stream.write('\n');
      // On a terminal the line stays open and is completed in place; elsewhere it is a line of its own.
      stream.write(tty ? `  ${name} ...` : `  ${name} ...\n`);
      drawn = tty;
    },
    stepEnd(name, ms) {
      stream.write(`${tty && drawn ? '\r' : ''}  ${name}: ${ms} ms${tty ? '\x1b[K' : ''}\n`);
      drawn = false;
    },
  };
}

/** A sink that prints nothing (tests, --quiet). */
export const silentProgress: ProgressSink = { start() {}, update() {}, end() {}, note() {}, stepStart() {}, stepEnd() {} };
