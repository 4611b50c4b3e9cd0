// One unit of work of `ComputePool`: a block of one kernel's output. Run by the
// workers (pool-worker.ts) and, for the first block of every split, by the calling
// thread itself.
import { conv2dBlock, convTranspose2dRange, type Conv2dParams, type ConvTranspose2dParams, type OutputBlock } from "./kernels/conv.js";
import { linearRange } from "./kernels/linear.js";
import type { WasmKernels } from "./kernels/wasm.js";
import type { Tensor } from "./tensor.js";

/** Arrays are views of SharedArrayBuffers when the task crosses to a worker; `out` always is. */
export type PoolTask = { block: OutputBlock; out: Float32Array } & (
  | { op: "conv2d"; x: Tensor; weight: Tensor; bias: Float32Array | null; params: Conv2dParams }
  | { op: "conv_transpose2d"; x: Tensor; weight: Tensor; bias: Float32Array | null; params: ConvTranspose2dParams }
  | { op: "linear"; x: Tensor; weight: Tensor; bias: Float32Array | null }
);

export function runTask(task: PoolTask, kernels: WasmKernels): void {
  switch (task.op) {
    case "conv2d":
      conv2dBlock(task.x, task.weight, task.bias, task.params, task.out, task.block, kernels);
      break;
    case "conv_transpose2d":
      convTranspose2dRange(task.x, task.weight, task.bias, task.params, task.out, task.block.m0, task.block.m1, kernels);
      break;
    case "linear":
      linearRange(task.x.data, task.weight, task.bias, task.out, task.block.m0, task.block.m1, kernels);
      break;
  }
}
