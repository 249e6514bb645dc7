/**
 * Virtual time. Nothing in the simulation reads the wall clock: time moves only when the scheduler
 * starts the next step, so a run takes the same simulated milliseconds on every machine.
 */

/** Simulated time 0 corresponds to this instant in the rows' timestamps. */
export const SIMULATION_EPOCH_MS = Date.UTC(2026, 0, 1, 9, 0, 0);

export class VirtualClock {
  #now = 0;

  get now(): number {
    return this.#now;
  }

  advanceTo(t: number): void {
    if (t < this.#now) throw new Error(`time cannot go back (${t} < ${this.#now})`);
    this.#now = t;
  }

  /** The timestamp Postgres stores for a virtual instant. */
  timestamp(t: number = this.#now): string {
    return new Date(SIMULATION_EPOCH_MS + t).toISOString();
  }
}
