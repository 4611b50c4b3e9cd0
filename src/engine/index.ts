// netfig's numeric engine: tensors, kernels, the worker pool, weights and file I/O.
export * from "./tensor.js";
export * from "./kernels/index.js";
export { ComputePool } from "./pool.js";
export { kernels } from "./kernels/wasm.js";
export { initParam, seededInput, SplitMix32, type InitSpec } from "./init.js";
export { ResidentWeights, SeededWeights, SafetensorsWeights, type WeightSource } from "./weights.js";
export { batchNormWeights, convTransposeWeights, convWeights, linearWeights, type ConvWeights } from "./params.js";
export { encodeNpy, decodeNpy } from "./io/npy.js";
export { SafetensorsFile, type SafetensorsEntry } from "./io/safetensors.js";
export { decodeImage, imageToTensor, loadImage, IMAGENET_MEAN, IMAGENET_STD, SAMPLE_IMAGE_URL, type ImageOptions, type RgbaImage } from "./io/image.js";
