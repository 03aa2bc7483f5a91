import path from 'node:path';
import { Piscina } from 'piscina';
import type { Config } from '../config';
import { ErrorCode, requestError, serviceUnavailable } from '../errors';
import type { ComputeTasks } from './computeTasks';

export type ComputeTaskName = keyof ComputeTasks;
export type ComputeInput<K extends ComputeTaskName> = Parameters<ComputeTasks[K]>[0];
export type ComputeOutput<K extends ComputeTaskName> = ReturnType<ComputeTasks[K]>;

export interface ComputeRunOptions {
  /** Aborted when the client goes away (src/requestSignal.ts): the task stops where it is. */
  signal?: AbortSignal;
  /** The task is stopped after this long; 0 or absent: no bound. */
  timeoutMs?: number;
}

/** What the pool did since it was made: tests and the benchmark read these. */
export interface ComputeStats {
  started: number;
  completed: number;
  /** Stopped because the client went away. */
  cancelled: number;
  /** Stopped by the timeout. */
  timedOut: number;
  /** Failed otherwise (the queue full, an error in the task). */
  failed: number;
  /** Worker threads ended: by an abort mid-task (piscina terminates the thread) or by destroy(). */
  threadsEnded: number;
}

/**
 * Compiled (dist/src/compute/computePool.js), the threads load computeTasks.js beside it. From the
 * TypeScript sources (ts-jest) they load sourceWorker.cjs, which compiles computeTasks.ts and what
 * it imports as it loads them: the tests run the real pool on the real sources.
 */
function workerFilename(): string {
  return path.join(__dirname, __filename.endsWith('.ts') ? 'sourceWorker.cjs' : 'computeTasks.js');
}

/**
 * The worker threads of the CPU-heavy analyses (piscina). Made lazily: no thread starts until
 * the first task. A task is aborted when its request's signal is (the client went away) or when
 * it runs past its timeout; piscina then terminates the thread it runs on, so the work stops at
 * once rather than running on for nobody, and starts a fresh thread in its place.
 */
export class ComputePool {
  private piscina: Piscina | null = null;
  readonly stats: ComputeStats = { started: 0, completed: 0, cancelled: 0, timedOut: 0, failed: 0, threadsEnded: 0 };

  constructor(readonly threads: number) {}

  private pool(): Piscina {
    if (!this.piscina) {
      this.piscina = new Piscina({
        filename: workerFilename(),
        minThreads: this.threads,
        maxThreads: this.threads,
        // Waiting tasks beyond this are refused (SERVICE_UNAVAILABLE, retry later) rather than
        // queued behind minutes of work: each holds its request open meanwhile.
        maxQueue: this.threads * 16,
      });
      this.piscina.on('workerDestroy', () => this.stats.threadsEnded++);
    }
    return this.piscina;
  }

  async run<K extends ComputeTaskName>(
    name: K,
    input: ComputeInput<K>,
    options: ComputeRunOptions = {},
  ): Promise<ComputeOutput<K>> {
    const timeout = options.timeoutMs ? AbortSignal.timeout(options.timeoutMs) : null;
    const signals = [options.signal, timeout].filter((s): s is AbortSignal => s !== undefined && s !== null);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    this.stats.started++;
    try {
      const output = (await this.pool().run(input, { name, signal })) as ComputeOutput<K>;
      this.stats.completed++;
      return output;
    } catch (error) {
      if (timeout?.aborted) {
        this.stats.timedOut++;
        throw requestError(
          ErrorCode.TIMEOUT,
          `The analysis took longer than ${options.timeoutMs} ms and was stopped; lower bootstrap or permutations, or narrow the cities`,
        );
      }
      if (options.signal?.aborted) {
        this.stats.cancelled++;
        throw requestError(ErrorCode.CANCELLED, 'The client went away; the analysis was stopped');
      }
      this.stats.failed++;
      if (error instanceof Error && /queue is at limit|No task queue available/i.test(error.message)) {
        throw serviceUnavailable('Every analysis thread is busy and the queue is full; try again shortly');
      }
      throw error;
    }
  }

  /** Ends the threads (a task still running is rejected). The pool can be used again after. */
  async destroy(): Promise<void> {
    const piscina = this.piscina;
    this.piscina = null;
    await piscina?.destroy();
  }
}

let shared: { pool: ComputePool; holders: number } | null = null;

/**
 * The process's one pool, made on the first call with `threads` (later calls get the same pool).
 * Without a holder (a CLI), its idle threads are unref'd and do not keep the process alive.
 */
export function computePool(threads: number): ComputePool {
  shared ??= { pool: new ComputePool(threads), holders: 0 };
  return shared.pool;
}

/**
 * A server holds the pool while it runs (src/server.ts) and lets go in stop(); the last holder to
 * let go destroys it, so its threads end with the server and a test process exits.
 */
export function holdComputePool(threads: number): () => Promise<void> {
  computePool(threads);
  const held = shared as { pool: ComputePool; holders: number };
  held.holders++;
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    held.holders--;
    if (held.holders > 0) return;
    if (shared === held) shared = null;
    await held.pool.destroy();
  };
}

/**
 * Runs a task for a request on the process's pool: stopped when the client goes away, and after
 * STATEMENT_TIMEOUT_MS (the bound a request's every statement has) with TIMEOUT.
 */
export function computeFor<K extends ComputeTaskName>(
  context: { config: Pick<Config, 'computeThreads' | 'statementTimeoutMs'>; signal: AbortSignal },
  name: K,
  input: ComputeInput<K>,
): Promise<ComputeOutput<K>> {
  return computePool(context.config.computeThreads).run(name, input, {
    signal: context.signal,
    timeoutMs: context.config.statementTimeoutMs,
  });
}
