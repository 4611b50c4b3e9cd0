// The engine's kernels: plain functions on `Tensor`s in PyTorch layout, independent of
// the graph. Conv, transposed conv and linear run in WebAssembly (SIMD); `ComputePool`
// (../pool.ts) runs the same three across worker threads.
export * from "./activation.js";
export * from "./conv.js";
export * from "./linear.js";
export * from "./norm.js";
export * from "./pooling.js";
export * from "./shape.js";
