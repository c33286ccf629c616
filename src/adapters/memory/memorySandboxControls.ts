import { newFaultId, type Fault, type NewFault } from '../../domain/sandboxes/faults.ts';
import type { ControlsSnapshot, SandboxControls } from '../../ports/sandboxControls.ts';

const NO_FAULTS: Fault[] = Object.freeze([]) as unknown as Fault[];

/** One sandbox's controls in this process. Nothing awaits between a check and its update, so consume is atomic. */
export class MemorySandboxControls implements SandboxControls {
  private offset = 0;
  private list: Fault[] = [];
  // Never reset, not even by clear: a token once given never stands for another state.
  private changes = 0;

  async snapshot(): Promise<ControlsSnapshot> {
    return { version: String(this.changes), clockOffsetMs: this.offset, faults: this.copies() };
  }

  async version(): Promise<string> {
    return String(this.changes);
  }

  async clockOffsetMs(): Promise<number> {
    return this.offset;
  }

  async setClockOffsetMs(ms: number): Promise<void> {
    this.offset = ms;
    this.changes += 1;
  }

  async faults(): Promise<Fault[]> {
    return this.copies();
  }

  async addFault(fault: NewFault): Promise<Fault> {
    const kept = { id: newFaultId(), ...fault };
    this.list.push(kept);
    this.changes += 1;
    return { ...kept };
  }

  async removeFault(id: string): Promise<boolean> {
    const before = this.list.length;
    this.list = this.list.filter((f) => f.id !== id);
    if (this.list.length === before) return false;
    this.changes += 1;
    return true;
  }

  async clearFaults(): Promise<number> {
    const removed = this.list.length;
    this.list = [];
    if (removed > 0) this.changes += 1;
    return removed;
  }

  async consumeFault(id: string): Promise<boolean> {
    const fault = this.list.find((f) => f.id === id);
    if (!fault) return false;
    if (fault.times_remaining === null) return true;
    if (fault.times_remaining <= 0) return false;
    fault.times_remaining -= 1;
    if (fault.times_remaining === 0) {
      this.list = this.list.filter((f) => f !== fault);
      this.changes += 1;
    }
    return true;
  }

  async clear(): Promise<void> {
    this.offset = 0;
    this.list = [];
    this.changes += 1;
  }

  /** Callers get copies: a listed fault does not count down under them. (No faults, the usual case: no allocation.) */
  private copies(): Fault[] {
    return this.list.length === 0 ? NO_FAULTS : this.list.map((f) => ({ ...f }));
  }
}
