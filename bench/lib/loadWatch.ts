// The machine may be shared: the 1-minute load average is sampled every 5 s and reported per section, so that a
// section measured while other work ran can be told apart from one measured on a quiet machine.
import { loadavg } from 'node:os';

export interface SectionLoad {
  section: string;
  fromS: number;
  toS: number;
  min: number | null;
  max: number | null;
}

/** `seconds` is the run's clock (whole seconds since it started). */
export function watchLoad(seconds: () => number) {
  const samples: { atS: number; load1: number }[] = [];
  const spans: { section: string; fromS: number; toS: number }[] = [];
  const timer = setInterval(() => samples.push({ atS: seconds(), load1: loadavg()[0] }), 5000);
  timer.unref();
  return {
    /** Runs one section, sampling the load as it starts. */
    async timed<T>(section: string, work: () => Promise<T>): Promise<T> {
      const fromS = seconds();
      samples.push({ atS: fromS, load1: loadavg()[0] });
      try {
        return await work();
      } finally {
        spans.push({ section, fromS, toS: seconds() });
      }
    },
    /** Records a section timed by its caller. */
    span(section: string, fromS: number, toS: number): void {
      spans.push({ section, fromS, toS });
    },
    /** Stops sampling; the lowest and highest load seen while each section ran. */
    bySection(): SectionLoad[] {
      clearInterval(timer);
      return spans.map(({ section, fromS, toS }) => {
        const inside = samples.filter((x) => x.atS >= fromS && x.atS <= toS).map((x) => x.load1);
        const r2 = (x: number) => Math.round(x * 100) / 100;
        return { section, fromS, toS, min: inside.length ? r2(Math.min(...inside)) : null, max: inside.length ? r2(Math.max(...inside)) : null };
      });
    },
  };
}
