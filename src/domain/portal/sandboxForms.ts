// The operator's sandbox forms in the portal, read into the control API's requests: the control API's own parsers
// (src/domain/sandboxes/) decide, so the portal accepts what the control API accepts and refuses it in the same
// words. A refusal is a FormProblem on the form field it is about.
import { ControlRequestError } from '../sandboxes/controlRequestError.ts';
import { parseFaultRequest, type FaultSpec } from '../sandboxes/faults.ts';
import { parseClockRequest, type ClockMove } from '../sandboxes/sandboxClock.ts';
import { parseSandboxSeed, parseSnapshotName, type SandboxSeed } from '../sandboxes/sandboxes.ts';
import { FormProblem } from './console.ts';

type Fields = ReadonlyMap<string, string>;

/** The units the clock form advances by, in seconds (the control API takes `advance_seconds`). */
export const CLOCK_UNITS = { seconds: 1, minutes: 60, hours: 3600, days: 86_400 } as const;
export type ClockUnit = keyof typeof CLOCK_UNITS;

/** The fault form's fields: the members of the control API's fault body, under the same names. */
export const FAULT_FIELDS = ['endpoint', 'user_id', 'app_id', 'action', 'delay_ms', 'times', 'probability'] as const;
const NUMERIC_FAULT_FIELDS: ReadonlySet<string> = new Set(['delay_ms', 'times', 'probability']);

/** A number as a person types it in a form (no hex, no `Infinity`): what JSON would have carried. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

const text = (fields: Fields, name: string): string => (fields.get(name) ?? '').trim();

/** The form field of the member a refusal names, for forms whose fields are named as the request's members. */
const memberField = (error: ControlRequestError): string => error.member ?? 'form';

/** `read`'s value; a ControlRequestError it throws (or rejects with) becomes a FormProblem on `field`. */
export function onField<T>(field: string | ((error: ControlRequestError) => string), read: () => T): T {
  const refused = (error: unknown): never => {
    if (!(error instanceof ControlRequestError)) throw error;
    throw new FormProblem({ [typeof field === 'string' ? field : field(error)]: error.message });
  };
  try {
    const value = read();
    return (value instanceof Promise ? value.catch(refused) : value) as T;
  } catch (error) {
    return refused(error);
  }
}

/** The create form: the seed of the new sandbox (absent: demo, as the control API has it). */
export function readSeedForm(fields: Fields): SandboxSeed {
  return onField('seed', () => parseSandboxSeed(text(fields, 'seed') || undefined));
}

/** The snapshot form: its name. */
export function readSnapshotForm(fields: Fields): string {
  return onField('name', () => parseSnapshotName(text(fields, 'name')));
}

/**
 * The clock forms: `now` (an ISO 8601 date-time) sets the time; otherwise `advance` in `unit` moves it forward. The
 * field the move came from is given too: an out-of-range time (found as the move is made) is that field's problem.
 */
export function readClockForm(fields: Fields): { move: ClockMove; field: 'now' | 'advance' } {
  if (fields.has('now')) return { move: onField('now', () => parseClockRequest({ now: text(fields, 'now') })), field: 'now' };
  const unit = text(fields, 'unit') as ClockUnit;
  if (!Object.hasOwn(CLOCK_UNITS, unit)) throw new FormProblem({ unit: `Choose one of ${Object.keys(CLOCK_UNITS).join(', ')}.` });
  const amount = text(fields, 'advance');
  if (!DECIMAL.test(amount) || !Number.isFinite(Number(amount)) || Number(amount) < 0) {
    throw new FormProblem({ advance: `Enter a number of ${unit}, 0 or more.` });
  }
  return { move: onField('advance', () => parseClockRequest({ advance_seconds: Number(amount) * CLOCK_UNITS[unit] })), field: 'advance' };
}

/**
 * The fault form: a blank field is an absent member; a number field holding a number is sent as one, anything else
 * as the text typed (which the parser then names in its refusal).
 */
export function readFaultForm(fields: Fields): FaultSpec {
  const body: Record<string, unknown> = {};
  for (const name of FAULT_FIELDS) {
    const value = text(fields, name);
    if (value === '') continue;
    body[name] = NUMERIC_FAULT_FIELDS.has(name) && DECIMAL.test(value) ? Number(value) : value;
  }
  return onField(memberField, () => parseFaultRequest(body));
}
