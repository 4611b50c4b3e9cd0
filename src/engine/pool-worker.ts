// A worker thread of `ComputePool`: runs one task per message, writing straight into
// the shared output buffer, and answers with the task's id (and an error message if
// the kernel threw).
import { parentPort, workerData } from "node:worker_threads";
import { WasmKernels, type WasmModule } from "./kernels/wasm.js";
import { runTask, type PoolTask } from "./pool-task.js";

const kernels = new WasmKernels((workerData as { module: WasmModule }).module);

parentPort!.on("message", (task: PoolTask & { id: number }) => {
  try {
    runTask(task, kernels);
    parentPort!.postMessage({ id: task.id });
  } catch (e) {
    parentPort!.postMessage({ id: task.id, error: (e as Error).message });
  }
});
