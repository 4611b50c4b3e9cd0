// A worker thread of `ComputePool`: the kernels instantiated on the pool's shared
// memory with a stack of its own. Each message is one block of a kernel call the
// calling thread laid out; the worker runs it in place (the output is already where
// the caller reads it) and answers with the message's id, and an error message if
// the kernel trapped.
import { parentPort, workerData } from "node:worker_threads";
import { WasmKernels, type KernelName, type WasmMemory, type WasmModule } from "./kernels/wasm.js";

const { module, memory, stackTop } = workerData as { module: WasmModule; memory: WasmMemory; stackTop: number };
const kernels = new WasmKernels(module, memory, stackTop);

parentPort!.on("message", (task: { id: number; fn: KernelName; args: number[] }) => {
  try {
    kernels.call(task.fn, task.args);
    parentPort!.postMessage({ id: task.id });
  } catch (e) {
    parentPort!.postMessage({ id: task.id, error: (e as Error).message });
  }
});
