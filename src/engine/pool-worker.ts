// A worker thread of `ComputePool`: the kernels instantiated on the pool's shared
// memory with a stack of its own. It sleeps on its mailbox (mailbox.ts) in the same
// memory; each call posted there is one block of a kernel call the calling thread laid
// out, or a table of blocks it claims from with the calling thread until none are left,
// which it runs in place (the output is already where the caller reads it) and answers,
// with the error message if the kernel trapped.
import { workerData } from "node:worker_threads";
import { BlockTable, Mailbox } from "./mailbox.js";
import { WasmKernels, type WasmMemory, type WasmModule } from "./kernels/wasm.js";

const { module, memory, stackTop, mailbox } = workerData as { module: WasmModule; memory: WasmMemory; stackTop: number; mailbox: number };
const kernels = new WasmKernels(module, memory, stackTop);
const box = new Mailbox(memory.buffer, mailbox);

// The thread does nothing else: it blocks in Atomics.wait between calls until the pool terminates it.
for (let seen = 0; ; ) {
  const task = box.next(seen);
  seen = task.seq;
  try {
    const { args } = task;
    if (Array.isArray(args)) kernels.call(task.fn, args);
    else {
      const table = new BlockTable(memory.buffer, args.table);
      const claim = () => table.claim(args.argCount, args.scratchArg, args.scratchPointer);
      for (let block = claim(); block; block = claim()) kernels.call(task.fn, block);
    }
    box.answer(task.seq);
  } catch (e) {
    box.answer(task.seq, (e as Error).message);
  }
}
