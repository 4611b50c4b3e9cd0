// One pool worker's mailbox in the pool's shared WebAssembly memory: the calling thread
// writes a kernel call and rings (Atomics.notify), the worker, asleep in Atomics.wait,
// runs it and rings back. A postMessage round trip cost about 90 µs a call, and at times
// 1-3 ms of the calling thread's own time (measured in a `render --activations` profile:
// 140 ms over one ResNet-50 run); a futex wake costs a few µs.
import type { KernelName } from "./kernels/wasm.js";

const KERNELS: readonly KernelName[] = ["conv2d", "conv_transpose2d", "linear", "linear_rows", "maxpool2d", "relu_f32", "add_f32", "sum2_f32", "affine_channels_f32"];

// Int32 cells of a mailbox.
const POSTED = 0;
const DONE = 1;
/** 0: ran; 1: the kernel threw (its message follows); 2: the worker died. */
const OUTCOME = 2;
const KERNEL = 3;
const ARG_COUNT = 4;
const ARGS = 5;
const MAX_ARGS = 32;
const MESSAGE_LENGTH = ARGS + MAX_ARGS;
const MESSAGE = MESSAGE_LENGTH + 1;
const CELLS = 256;
/** A call to claim blocks of: the byte offset of its BlockTable, or 0 for a call of its own arguments. */
const TABLE = CELLS - 1;
const MAX_MESSAGE = TABLE - MESSAGE;
/** The most blocks one call is cut into. */
export const MAX_BLOCKS = 64;

/** Bytes one mailbox takes (16-byte aligned). */
export const MAILBOX_BYTES = CELLS * 4;

/**
 * How long a worker polls its mailbox for the next call before it sleeps in a futex wait.
 * A worker woken from sleep started its first block 50-300 µs late (3-22 ms over the 55
 * split calls of a ResNet-50 run), and each wake cost the caller a futex syscall; the
 * calling thread prepares the next call in 0.1-0.5 ms (ResNet-50: median 0.16, at most
 * 0.47), so polling that long catches nearly every call. A worker polls only while polling
 * pays (Mailbox.next): on a machine with no free core the calls come later, because a
 * polling thread takes the time of the thread it waits for.
 */
const WORKER_POLL_MS = 0.5;
/**
 * How long the calling thread polls for a worker's answer, once it has no block left to
 * claim, before it waits on the event loop (a wake from there came 0.7-6.5 ms late over a
 * ResNet-50 run); again only while the answers come within the poll. Fixed polls measured,
 * two threads over one at load ~1.3 / with one busy process beside: 0.1 ms 1.51-1.59x /
 * 0.86x, 3 ms 1.52-1.60x / 0.78x; polling 1 ms while it pays 1.59-1.69x / 0.89x.
 */
const CALLER_POLL_MS = 1;
/**
 * Polls in a row that time out before a thread stops polling (and sleeps at once), until a
 * wait ends within the poll again. Stopping at the first miss let one late call (a garbage
 * collection, a slow step of the caller) turn polling off for many calls after it: in runs of
 * ResNet-50 on two threads the worker then slept up to 30 times and every wake came late,
 * and such runs took 110-190 ms against 97-105. On a machine with no free core every poll
 * misses, so polling still stops after this many.
 */
const MISSES_BEFORE_SLEEP = 3;

/** Polls `cells[index]` until it differs from `value` (true) or `ms` have passed (false). */
function poll(cells: Int32Array, index: number, value: number, ms: number): boolean {
  const until = performance.now() + ms;
  for (;;) {
    for (let i = 0; i < 64; i++) if (Atomics.load(cells, index) !== value) return true;
    if (performance.now() > until) return false;
  }
}

/** ES2024's Atomics.waitAsync (Node 16+), which this project's TypeScript library setting does not declare. */
const waitAsync = (Atomics as unknown as {
  waitAsync(cells: Int32Array, index: number, value: number): { async: false; value: string } | { async: true; value: Promise<string> };
}).waitAsync;

export interface Task {
  seq: number;
  fn: KernelName;
  /** The call's arguments: its own, or (`claims`) the blocks to claim from a BlockTable. */
  args: number[] | Claims;
}

/** A call of claimed blocks: where their table lies, how many arguments each takes, and where this thread's scratch pointer goes (arg −1: nowhere). */
export interface Claims {
  table: number;
  argCount: number;
  scratchArg: number;
  scratchPointer: number;
}

/**
 * The blocks of one kernel call, in the shared memory, for every thread to claim from: a
 * counter cell, then each block's arguments. Whoever is free takes the next block, so a
 * worker that wakes late takes fewer and the calling thread does not wait for it; which
 * thread computes a block never changes its bits (each output element is computed by one
 * block in a fixed order).
 */
export class BlockTable {
  private readonly cells: Int32Array;

  constructor(buffer: ArrayBufferLike, readonly offset: number) {
    this.cells = new Int32Array(buffer, offset, 2 + MAX_BLOCKS * MAX_ARGS);
  }

  /** Bytes a table takes (16-byte aligned). */
  static readonly BYTES = Math.ceil(((2 + MAX_BLOCKS * MAX_ARGS) * 4) / 16) * 16;

  /** Calling thread, before posting: the call's blocks, none claimed yet. */
  fill(blocks: readonly (readonly number[])[]): void {
    if (blocks.length > MAX_BLOCKS) throw new RangeError(`pool: ${blocks.length} blocks, a table holds ${MAX_BLOCKS}`);
    blocks.forEach((args, i) => {
      if (args.length > MAX_ARGS) throw new RangeError(`pool: a block takes ${args.length} arguments, a table holds ${MAX_ARGS}`);
      this.cells.set(args, 2 + i * MAX_ARGS);
    });
    this.cells[1] = blocks.length;
    Atomics.store(this.cells, 0, 0);
  }

  /** Any thread: the arguments of the next unclaimed block (its own scratch pointer written in), or undefined when all are taken. */
  claim(argCount: number, scratchArg = -1, scratchPointer = 0): number[] | undefined {
    const i = Atomics.add(this.cells, 0, 1);
    if (i >= this.cells[1]!) return undefined;
    const args = Array.from(this.cells.subarray(2 + i * MAX_ARGS, 2 + i * MAX_ARGS + argCount));
    if (scratchArg >= 0) args[scratchArg] = scratchPointer;
    return args;
  }
}

export class Mailbox {
  private readonly cells: Int32Array;
  /**
   * Polls in a row that timed out (MISSES_BEFORE_SLEEP): the worker's for calls (next), the
   * calling thread's for answers (answered); each thread has its own Mailbox object.
   */
  private misses = 0;

  /** The mailbox at byte `offset` of a shared memory's buffer (a shared buffer never detaches when the memory grows). */
  constructor(buffer: ArrayBufferLike, offset: number) {
    this.cells = new Int32Array(buffer, offset, CELLS);
  }

  /** Calling thread: posts a call; returns its sequence number, which `answered` waits for. */
  post(fn: KernelName, args: readonly number[]): number {
    if (args.length > MAX_ARGS) throw new RangeError(`pool: ${fn} takes ${args.length} arguments, a mailbox holds ${MAX_ARGS}`);
    this.cells[TABLE] = 0;
    this.cells[KERNEL] = KERNELS.indexOf(fn);
    this.cells[ARG_COUNT] = args.length;
    this.cells.set(args, ARGS);
    return this.ring();
  }

  /**
   * Calling thread: posts a call whose blocks of `argCount` arguments the worker claims
   * from `table` until none are left, writing its own `scratch` pointer into argument
   * `scratch.arg` of each when given.
   */
  postClaims(fn: KernelName, table: BlockTable, argCount: number, scratch?: { arg: number; pointer: number }): number {
    this.cells[TABLE] = table.offset;
    this.cells[KERNEL] = KERNELS.indexOf(fn);
    this.cells[ARG_COUNT] = argCount;
    this.cells[ARGS] = scratch ? scratch.arg : -1;
    this.cells[ARGS + 1] = scratch ? scratch.pointer : 0;
    return this.ring();
  }

  private ring(): number {
    const seq = Atomics.add(this.cells, POSTED, 1) + 1;
    Atomics.notify(this.cells, POSTED);
    return seq;
  }

  /** Calling thread: resolves when call `seq` is done, with the kernel's error message if it threw. */
  async answered(seq: number): Promise<string | undefined> {
    if (this.misses < MISSES_BEFORE_SLEEP && Atomics.load(this.cells, DONE) !== seq) this.polled(poll(this.cells, DONE, Atomics.load(this.cells, DONE), CALLER_POLL_MS));
    const asleep = performance.now();
    let slept = false;
    for (;;) {
      const done = Atomics.load(this.cells, DONE);
      if (done === seq || this.cells[OUTCOME] === 2) break;
      slept = true;
      const wait = waitAsync(this.cells, DONE, done);
      if (wait.async) await wait.value;
    }
    if (slept && performance.now() - asleep < CALLER_POLL_MS) this.misses = 0;
    return this.cells[OUTCOME] === 0 ? undefined : this.message();
  }

  /** Calling thread: the worker died (its `error` or `exit` event); every call posted to it, waiting or to come, is answered with `message`. */
  dead(message: string): void {
    this.writeMessage(message);
    Atomics.store(this.cells, OUTCOME, 2);
    Atomics.notify(this.cells, DONE);
  }

  /** A poll's outcome: a hit ends a run of misses, a miss adds to it. */
  private polled(hit: boolean): void {
    this.misses = hit ? 0 : this.misses + 1;
  }

  /**
   * Worker: waits until a call after `seen` is posted, and returns it. It polls first unless
   * the last MISSES_BEFORE_SLEEP polls all timed out (a call it slept for that came within
   * the poll counts as a hit), else sleeps at once: under load the calls come late, and
   * polling would only delay them further.
   */
  next(seen: number): Task {
    if (this.misses < MISSES_BEFORE_SLEEP) this.polled(poll(this.cells, POSTED, seen, WORKER_POLL_MS));
    if (Atomics.load(this.cells, POSTED) === seen) {
      const asleep = performance.now();
      while (Atomics.load(this.cells, POSTED) === seen) Atomics.wait(this.cells, POSTED, seen);
      if (performance.now() - asleep < WORKER_POLL_MS) this.misses = 0;
    }
    const seq = Atomics.load(this.cells, POSTED);
    const fn = KERNELS[this.cells[KERNEL]!]!;
    const table = this.cells[TABLE]!;
    if (table !== 0) return { seq, fn, args: { table, argCount: this.cells[ARG_COUNT]!, scratchArg: this.cells[ARGS]!, scratchPointer: this.cells[ARGS + 1]! } };
    return { seq, fn, args: Array.from(this.cells.subarray(ARGS, ARGS + this.cells[ARG_COUNT]!)) };
  }

  /** Worker: answers call `seq`, with the kernel's error message if it threw. */
  answer(seq: number, error?: string): void {
    if (error !== undefined) this.writeMessage(error);
    this.cells[OUTCOME] = error === undefined ? 0 : 1;
    Atomics.store(this.cells, DONE, seq);
    Atomics.notify(this.cells, DONE);
  }

  private writeMessage(text: string): void {
    const codes = Array.from(text.slice(0, MAX_MESSAGE), (c) => c.charCodeAt(0));
    this.cells[MESSAGE_LENGTH] = codes.length;
    this.cells.set(codes, MESSAGE);
  }

  private message(): string {
    return String.fromCharCode(...this.cells.subarray(MESSAGE, MESSAGE + this.cells[MESSAGE_LENGTH]!));
  }
}
