/**
 * The scheduler. It holds one statechart snapshot per process participant and, step by step,
 * picks whoever is due next in virtual time, runs that participant's operation for real (SQL on
 * PGlite, calls on the broker), and feeds the answer back into its statechart through XState's
 * pure transition (pure-transition.ts). Ties in time are broken by the seeded RNG, and operation
 * latencies carry a seeded jitter, so a seed picks one interleaving and always the same one.
 */
import type { AnyMachineSnapshot } from 'xstate';
import { initialSnapshot, nextSnapshot } from './pure-transition';
import { CRASH_EVENT, CRASHED_STATE, lowerFirst } from './process';
import { checkOutcome } from './checker';
import type { TruthAtStep } from './detectors/stale-cache';
import { VirtualClock } from './clock';
import { buildsParticipant, undeclared, type ComponentSet, type LabStore } from './component';
import { countingIds, type IdGenerator } from './ids';
import type { OutcomeSources } from './outcome-sources';
import { tablesOf } from './schema';
import { faultPoint } from './fault-point';
import { DEFAULT_TIMING, type InspectionSources, type KernelEvent, type Operation, type OperationContext, type PatternDefinition, type Timing } from './pattern';
import { deriveRng, type Rng } from './rng';
import { createTracedDatabase, type TraceSink } from './traced-database';
import type { ArmedFault, RunResult, Scenario, StepRecord, TraceEntry, WorldSnapshot } from './types';
import type { FaultKind } from './vocabulary';
import type { RunOptions } from './run-options';
import { mayChangeTables } from './table-changes';
import { handlesEvent } from './handled-events';
import { currentMeta, listedFaultKinds, stateName, stepFacts, type LiveProcess } from './live-process';

export const DEFAULT_MAX_STEPS = 400;
export type { RunOptions, RunProbe } from './run-options';

export class Simulation {
  readonly clock: VirtualClock;
  readonly trace: TraceEntry[] = [];
  readonly steps: StepRecord[] = [];
  readonly snapshots: WorldSnapshot[] = [];

  readonly #db: LabStore;
  readonly #components: ComponentSet;
  /** Stand-ins for the ports of components the pattern did not declare, made once per run. */
  readonly #undeclared: Pick<OperationContext<unknown>, 'broker' | 'store' | 'storeInternals' | 'cache'>;
  readonly #outcome: OutcomeSources;
  /** The tables of this variant's schema that the views show and each reset empties. */
  readonly #tables: string[];
  readonly #pattern: PatternDefinition;
  readonly #scenario: Scenario;
  readonly #options: RunOptions;
  readonly #timing: Timing;
  readonly #schedule: Rng;
  readonly #jitter: Rng;
  readonly #processes: LiveProcess[];
  readonly #occurrences = new Map<string, number>();
  readonly #ids: IdGenerator;
  /** Points where a `pause` fault has already frozen its process (it strikes once). */
  readonly #pausesTaken = new Set<string>();
  #lastMutationStep = 0;
  /** For cache patterns: the versions Postgres held after each step that changed anything. */
  readonly #truthHistory: TruthAtStep[] = [];
  /** When the operation now running completes, in virtual time. */
  #completesAt = 0;

  constructor(db: LabStore, pattern: PatternDefinition, scenario: Scenario, options: RunOptions = {}) {
    this.#db = db;
    this.#pattern = pattern;
    this.#scenario = scenario;
    this.#options = options;
    this.#timing = { ...DEFAULT_TIMING, ...pattern.timing, ...options.timing };
    this.#schedule = deriveRng(scenario.seed, 'schedule');
    this.#jitter = deriveRng(scenario.seed, 'latency');
    this.clock = options.clock ?? new VirtualClock();
    this.#ids = options.ids ?? countingIds();
    // Only what the pattern declares is built; a consumer's long poll wakes through `wake`.
    this.#components = pattern.components((event) => this.#broadcast(event), scenario.variant);
    const id = pattern.info.id;
    this.#undeclared = { broker: undeclared('broker', id), store: undeclared('event store', id), storeInternals: undeclared('event store', id), cache: undeclared('cache', id) };
    const labels = new Map(pattern.info.participants.map((p) => [p.id, p.label]));
    const specs = [pattern.client(scenario), ...pattern.processes(scenario)];
    this.#processes = specs.map((spec) => {
      const snapshot = initialSnapshot(spec.machine, spec.input);
      const live: LiveProcess = { spec, label: labels.get(spec.id) ?? spec.id, snapshot, wakeAt: Infinity, settledAtStep: 0 };
      this.#scheduleNext(live, 0);
      return live;
    });
    this.#outcome = pattern.outcome(this.inspectionSources());
    this.#tables = tablesOf(pattern.schema(scenario.variant), pattern.hiddenTables);
  }

  /** Resets the database, runs every step until the system settles, and checks the outcome. */
  async run(): Promise<RunResult> {
    const variant = this.#scenario.variant;
    await this.#db.reset(this.#pattern.schema(variant), this.#tables);
    await this.#pattern.prepareRun?.(this.#db.runner, variant);
    await this.#recordTruth(0);
    await this.#options.observe?.({ step: null, t: 0, sources: this.#outcome, runner: this.#db.runner });
    if (this.#options.captureSnapshots) this.snapshots.push(await this.#capture());
    const maxSteps = this.#options.maxSteps ?? DEFAULT_MAX_STEPS;
    let settled = false;
    while (this.steps.length < maxSteps) {
      if (this.#options.stopAfterStep !== undefined && this.steps.length >= this.#options.stopAfterStep) break;
      if (this.#allSettled()) {
        settled = true;
        break;
      }
      const next = this.#pickNext();
      if (!next) break;
      await this.#step(next);
    }
    if (!settled) settled = this.#allSettled();
    const outcome = await checkOutcome({
      runner: this.#db.runner,
      sources: this.#outcome,
      now: this.clock.now,
      steps: this.steps,
      settled,
      maxSteps,
      trace: this.trace,
      truthHistory: this.#truthHistory,
      ...(this.#pattern.check ? { check: (steps) => this.#pattern.check!({ ...this.inspectionSources(), steps }) } : {}),
    });
    return {
      scenario: this.#scenario,
      // A variant may run fewer processes than the catalogue lists (a second relay), or build fewer
      // components (no broker): show those that take part.
      participants: this.#pattern.info.participants.filter((p) => (p.process ? this.#processes.some((live) => live.spec.id === p.id) : buildsParticipant(this.#components, p.kind))),
      steps: this.steps,
      trace: this.trace,
      ...(this.#options.captureSnapshots ? { snapshots: this.snapshots } : {}),
      outcome,
    };
  }

  #allSettled(): boolean {
    return this.#processes.every((p) => {
      if (p.snapshot.hasTag('idle') && p.wakeAt === Infinity) return true;
      return p.snapshot.hasTag('polled-empty') && p.settledAtStep > this.#lastMutationStep;
    });
  }

  #pickNext(): LiveProcess | undefined {
    const due = this.#processes.filter((p) => p.wakeAt !== Infinity);
    if (due.length === 0) return undefined;
    const earliest = Math.min(...due.map((p) => p.wakeAt));
    const tied = due.filter((p) => p.wakeAt === earliest);
    return tied.length === 1 ? tied[0] : this.#schedule.pick(tied);
  }

  #latency(op: Operation<unknown>): number {
    // ±30 % around the nominal latency, whole milliseconds so traces stay integer.
    return Math.max(1, Math.round(op.latencyMs * (0.7 + 0.6 * this.#jitter.next())));
  }

  #scheduleNext(process: LiveProcess, from: number): void {
    const meta = currentMeta(process.snapshot);
    if (!meta.op) {
      process.wakeAt = Infinity;
      return;
    }
    let at = from + (meta.delay ? this.#timing[meta.delay] : 0);
    if (meta.notBefore) at = Math.max(at, meta.notBefore(process.snapshot.context as never));
    process.wakeAt = at;
  }

  #armedAt(point: string): ArmedFault[] {
    return this.#scenario.faults.filter((f) => f.at === point);
  }

  async #step(process: LiveProcess): Promise<void> {
    this.clock.advanceTo(process.wakeAt);
    const now = this.clock.now;
    const index = this.steps.length + 1;
    const opName = currentMeta(process.snapshot).op!;
    const op = process.spec.operations[opName];
    if (!op) throw new Error(`${process.spec.id} has no operation "${opName}"`);
    const key = `${process.spec.id}.${opName}`;
    const occurrence = (this.#occurrences.get(key) ?? 0) + 1;
    this.#occurrences.set(key, occurrence);
    const point = faultPoint(process.spec.id, opName, occurrence);
    /** The kinds the operation asked about, where they would take effect. */
    const reached = new Set<FaultKind>();
    const armed = this.#armedAt(point);
    const firstEntry = this.trace.length;
    const pause = op.faults.includes('pause') ? armed.find((f) => f.kind === 'pause') : undefined;
    if (pause && !this.#pausesTaken.has(point)) {
      await this.#pauseStep(process, op, opName, point, pause, index, occurrence);
      return;
    }
    const latency = this.#latency(op);
    this.#completesAt = now + latency;

    const emit = (entry: Omit<TraceEntry, 'seq' | 'step' | 't'>) => {
      this.trace.push({ seq: this.trace.length, step: index, t: now, ...entry });
    };

    let struck: ArmedFault | undefined;
    let event: KernelEvent;
    let caption: string;
    let orders: readonly number[] = op.about?.(process.snapshot.context as never) ?? [];
    const lockRefusals: number[] = [];
    const crash = op.crashable ? armed.find((f) => f.kind === 'crash') : undefined;
    if (crash) {
      struck = crash;
      emit({ from: process.spec.id, to: process.spec.id, kind: 'crash', label: `crash before ${op.intent(process.snapshot.context as never)}`, ok: false, fault: crash });
      event = CRASH_EVENT;
      caption = `The ${lowerFirst(process.label)} crashes before ${op.intent(process.snapshot.context as never)}.`;
    } else {
      const fault = armed.find((f) => op.faults.includes(f.kind));
      const sink: TraceSink = {
        actor: process.spec.id,
        armed: (kind) => {
          reached.add(kind);
          return fault?.kind === kind ? fault : undefined;
        },
        inEffect: (kind) => (reached.has(kind) && fault?.kind === kind ? fault : undefined),
        emit,
        strike: () => {
          struck = fault;
        },
        markMutation: () => {
          this.#lastMutationStep = index;
        },
        lockRefused: () => {
          lockRefusals.push(this.trace.length - 1);
        },
      };
      const ctx: OperationContext<unknown> = {
        actor: process.spec.id,
        now,
        context: process.snapshot.context,
        scenario: this.#scenario,
        faultHere: sink.armed,
        db: createTracedDatabase(this.#db.runner, sink),
        broker: this.#components.broker?.port(sink, now, index) ?? this.#undeclared.broker,
        store: this.#components.eventStore?.port(sink, now, index) ?? this.#undeclared.store,
        storeInternals: this.#components.eventStore?.internals(sink, now) ?? this.#undeclared.storeInternals,
        cache: this.#components.cache?.port(sink, now, index) ?? this.#undeclared.cache,
        timestamp: () => this.clock.timestamp(),
        nextId: (prefix) => this.#ids.next(prefix),
        emit,
        send: (to, sent, options) => this.#deliver(process.spec.id, to, sent, now + latency, options?.quiet ? () => undefined : emit),
        strike: sink.strike,
      };
      const result = await op.run(ctx);
      ({ event, caption } = result);
      if (result.orders) orders = result.orders;
    }

    process.snapshot = nextSnapshot(process.spec.machine, process.snapshot, event);
    process.settledAtStep = process.snapshot.hasTag('polled-empty') ? index : -1;
    this.#scheduleNext(process, now + latency);
    if (crash) this.#crashProcessMates(process, now + latency, emit);

    this.steps.push({
      index,
      t: now,
      actor: process.spec.id,
      operation: opName,
      point,
      faultKinds: listedFaultKinds(op, reached),
      caption,
      facts: stepFacts(orders, lockRefusals),
      ...(struck ? { struck } : {}),
      entries: Array.from({ length: this.trace.length - firstEntry }, (_, i) => firstEntry + i),
      states: this.#states(),
    });
    if (this.#lastMutationStep === index) await this.#recordTruth(index);
    await this.#options.observe?.({ step: this.steps.at(-1)!, t: now, sources: this.#outcome, runner: this.#db.runner });
    if (this.#options.captureSnapshots) this.snapshots.push(await this.#capture(!mayChangeTables(this.trace.slice(firstEntry))));
  }

  /** Outside the trace: what the source of truth holds now, for judging later reads against it. */
  async #recordTruth(step: number): Promise<void> {
    if (this.#outcome.downstream === 'cache') this.#truthHistory.push({ step, versions: await this.#outcome.versions(this.#db.runner) });
  }

  /**
   * A `pause` fault: the process freezes before the operation and runs it later, at the same
   * fault point (the pause is a step of its own, but the operation's occurrence is not used up).
   */
  async #pauseStep(process: LiveProcess, op: Operation<unknown>, opName: string, point: string, pause: ArmedFault, index: number, occurrence: number): Promise<void> {
    const now = this.clock.now;
    this.#pausesTaken.add(point);
    this.#occurrences.set(`${process.spec.id}.${opName}`, occurrence - 1);
    const intent = op.intent(process.snapshot.context as never);
    const ms = this.#timing.pauseMs;
    const seq = this.trace.length;
    this.trace.push({ seq, step: index, t: now, from: process.spec.id, to: process.spec.id, kind: 'pause', label: `frozen for ${ms} ms before ${intent}`, ok: false, fault: pause });
    process.wakeAt = now + ms;
    this.steps.push({
      index,
      t: now,
      actor: process.spec.id,
      operation: opName,
      point,
      faultKinds: listedFaultKinds(op, new Set()),
      caption: `The ${lowerFirst(process.label)} freezes for ${ms / 1000} s before ${intent}.`,
      facts: stepFacts(op.about?.(process.snapshot.context as never) ?? [], []),
      struck: pause,
      entries: [seq],
      states: this.#states(),
    });
    if (this.#options.captureSnapshots) this.snapshots.push(await this.#capture());
  }

  /**
   * Participants that run in one OS process die together: a service and everything that runs
   * inside it (an in-process listener, a scheduler), whichever of them crashed.
   */
  #crashProcessMates(crashed: LiveProcess, at: number, emit: (e: Omit<TraceEntry, 'seq' | 'step' | 't'>) => void): void {
    const osProcess = (p: LiveProcess) => p.spec.inProcessWith ?? p.spec.id;
    for (const mate of this.#processes) {
      if (mate === crashed || mate.snapshot.value === CRASHED_STATE) continue;
      if (osProcess(mate) !== osProcess(crashed)) continue;
      emit({ from: mate.spec.id, to: mate.spec.id, kind: 'crash', label: `down with the ${lowerFirst(crashed.label)}: same process`, ok: false });
      mate.snapshot = nextSnapshot(mate.spec.machine, mate.snapshot, CRASH_EVENT);
      mate.settledAtStep = -1;
      this.#scheduleNext(mate, at);
    }
  }

  #deliver(from: string, to: string, event: KernelEvent, arrivesAt: number, emit: (e: Omit<TraceEntry, 'seq' | 'step' | 't'>) => void): boolean {
    const target = this.#processes.find((p) => p.spec.id === to);
    if (!target) throw new Error(`no participant "${to}"`);
    if (target.snapshot.value === CRASHED_STATE) {
      emit({ from: to, to: from, kind: 'error', label: 'connection refused: process is down', ok: false });
      return false;
    }
    if (!handlesEvent(target.spec.machine, event.type)) return true;
    const before = stateName(target.snapshot);
    target.snapshot = nextSnapshot(target.spec.machine, target.snapshot, event);
    if (stateName(target.snapshot) !== before) {
      target.settledAtStep = -1;
      this.#scheduleNext(target, arrivesAt);
    }
    return true;
  }

  /** An event every running process may react to (the broker's long-poll wake-up). */
  #broadcast(event: KernelEvent): void {
    for (const process of this.#processes) {
      if (process.snapshot.value === CRASHED_STATE || !handlesEvent(process.spec.machine, event.type)) continue;
      const before = stateName(process.snapshot);
      process.snapshot = nextSnapshot(process.spec.machine, process.snapshot, event);
      if (stateName(process.snapshot) !== before) {
        process.settledAtStep = -1;
        this.#scheduleNext(process, this.#completesAt);
      }
    }
  }

  /** What the pattern's hooks read: the database, the components, every process's context. */
  inspectionSources(): InspectionSources {
    return {
      ...this.#components,
      runner: this.#db.runner,
      contexts: Object.fromEntries(this.#processes.map((p) => [p.spec.id, p.snapshot.context])),
      now: this.clock.now,
    };
  }

  #states(): Record<string, string> {
    return Object.fromEntries(this.#processes.map((p) => [p.spec.id, stateName(p.snapshot)]));
  }

  /** `tablesUnchanged`: the step sent no SQL that can change rows, so the last tables still hold. */
  async #capture(tablesUnchanged = false): Promise<WorldSnapshot> {
    const last = this.snapshots.at(-1);
    const reuse = tablesUnchanged && last !== undefined && !this.#options.recaptureUnchangedTables;
    const tables = reuse ? last.tables : [];
    if (!reuse) for (const table of this.#tables) tables.push(await this.#db.snapshotTable(table));
    const inspections = this.#pattern.inspect ? await this.#pattern.inspect(this.inspectionSources(), this.#scenario.variant) : [];
    return {
      step: this.steps.length,
      t: this.clock.now,
      tables,
      topics: this.#components.broker?.topicsView() ?? [],
      states: this.#states(),
      down: this.#processes.filter((p) => p.snapshot.value === CRASHED_STATE).map((p) => p.spec.id),
      ...(inspections.length > 0 ? { inspections } : {}),
    };
  }
}
