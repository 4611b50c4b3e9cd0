// A compute thread of `ComputePool`: runs one output-channel range of a kernel per
// message, writing straight into the shared output buffer.
import { parentPort, workerData } from "node:worker_threads";
import { conv2dRange, convTranspose2dRange } from "./kernels/conv.js";
import { linearRange } from "./kernels/linear.js";
import { WasmKernels, type WasmModule } from "./kernels/wasm.js";
import type { PoolTask } from "./pool.js";

const kernels = new WasmKernels((workerData as { module: WasmModule }).module);

parentPort!.on("message", (task: PoolTask) => {
  try {
    switch (task.op) {
      case "conv2d":
        conv2dRange(task.x, task.weight, task.bias, task.params, task.out, task.begin, task.end, kernels);
        break;
      case "conv_transpose2d":
        convTranspose2dRange(task.x, task.weight, task.bias, task.params, task.out, task.begin, task.end, kernels);
        break;
      case "linear":
        linearRange(task.x.data, task.weight, task.bias, task.out, task.begin, task.end, kernels);
        break;
    }
    parentPort!.postMessage({ id: task.id });
  } catch (e) {
    parentPort!.postMessage({ id: task.id, error: (e as Error).message });
  }
});
