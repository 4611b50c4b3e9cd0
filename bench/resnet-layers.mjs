// torchvision's ResNet-18 and ResNet-50 (v1.5: the stride sits on the 3x3 conv of a
// bottleneck) as a flat layer list with seeded weights, so that netfig's kernels,
// onnxruntime-node and tfjs all run exactly the same network.
//
// This list is hand-built from the kernels because the benchmark must not depend on
// the language/op wiring; it is the same arithmetic `netfig run` performs.
import { initParam } from "../src/engine/init.ts";

/** @typedef {{ name: string, op: string, inputs: string[], attrs: Record<string, any>, params: Record<string, {shape:number[], data:Float32Array}> }} Layer */

export function resnet(depth, seed = 1) {
  /** @type {Layer[]} */
  const layers = [];
  const conv = (name, input, cin, cout, k, stride, pad) => {
    const shape = [cout, cin, k, k];
    layers.push({ name, op: "conv", inputs: [input], attrs: { k, stride, pad }, params: { weight: initParam(seed, `${name}.weight`, shape, { kind: "he", fanIn: cin * k * k }) } });
    return name;
  };
  const bn = (name, input, c) => {
    // Non-trivial but tame statistics: scale near 1, so activations neither vanish nor explode.
    const p = (suffix, base, spread) => {
      const t = initParam(seed, `${name}.${suffix}`, [c], { kind: "xavier", fanIn: 3, fanOut: 3 });
      t.data.forEach((v, i) => (t.data[i] = base + spread * v));
      return t;
    };
    layers.push({ name, op: "bn", inputs: [input], attrs: { eps: 1e-5 }, params: { weight: p("weight", 0.5, 0.2), bias: p("bias", 0, 0.1), running_mean: p("running_mean", 0, 0.1), running_var: p("running_var", 1, 0.2) } });
    return name;
  };
  const relu = (name, input) => (layers.push({ name, op: "relu", inputs: [input], attrs: {}, params: {} }), name);

  layers.push({ name: "input", op: "input", inputs: [], attrs: { shape: [3, 224, 224] }, params: {} });
  let x = relu("relu", bn("bn1", conv("conv1", "input", 3, 64, 7, 2, 3), 64));
  layers.push({ name: "maxpool", op: "maxpool", inputs: [x], attrs: { k: 3, stride: 2, pad: 1 }, params: {} });
  x = "maxpool";
  const bottleneck = depth >= 50;
  const blocks = { 18: [2, 2, 2, 2], 34: [3, 4, 6, 3], 50: [3, 4, 6, 3] }[depth];
  const expansion = bottleneck ? 4 : 1;
  let cin = 64;
  blocks.forEach((count, li) => {
    const planes = 64 << li;
    for (let b = 0; b < count; b++) {
      const stride = b === 0 && li > 0 ? 2 : 1;
      const p = `layer${li + 1}.${b}`;
      let y;
      if (bottleneck) {
        y = relu(`${p}.relu1`, bn(`${p}.bn1`, conv(`${p}.conv1`, x, cin, planes, 1, 1, 0), planes));
        y = relu(`${p}.relu2`, bn(`${p}.bn2`, conv(`${p}.conv2`, y, planes, planes, 3, stride, 1), planes));
        y = bn(`${p}.bn3`, conv(`${p}.conv3`, y, planes, planes * 4, 1, 1, 0), planes * 4);
      } else {
        y = relu(`${p}.relu1`, bn(`${p}.bn1`, conv(`${p}.conv1`, x, cin, planes, 3, stride, 1), planes));
        y = bn(`${p}.bn2`, conv(`${p}.conv2`, y, planes, planes, 3, 1, 1), planes);
      }
      let short = x;
      if (stride !== 1 || cin !== planes * expansion) {
        short = bn(`${p}.downsample.1`, conv(`${p}.downsample.0`, x, cin, planes * expansion, 1, stride, 0), planes * expansion);
      }
      layers.push({ name: `${p}.add`, op: "add", inputs: [y, short], attrs: {}, params: {} });
      x = relu(`${p}.relu`, `${p}.add`);
      cin = planes * expansion;
    }
  });
  layers.push({ name: "avgpool", op: "gap", inputs: [x], attrs: {}, params: {} });
  layers.push({
    name: "fc",
    op: "fc",
    inputs: ["avgpool"],
    attrs: {},
    params: {
      weight: initParam(seed, "fc.weight", [1000, cin], { kind: "xavier", fanIn: cin, fanOut: 1000 }),
      bias: initParam(seed, "fc.bias", [1000], { kind: "constant", value: 0 }),
    },
  });
  return layers;
}

/**
 * Multiply-accumulates of the convs and the fc, torchvision's convention (ResNet-50: 4.09e9);
 * with `tileOf(C, k, stride, Ho, Wo)`, the side of the Winograd tiles a conv is computed in
 * (0: none), the ones a Winograd kernel performs instead: (tile + 2)^2 per tile, channel pair.
 */
export function macs(layers, tileOf = () => 0) {
  const shapes = new Map();
  let total = 0;
  for (const l of layers) {
    if (l.op === "input") shapes.set(l.name, l.attrs.shape);
    else if (l.op === "conv") {
      const [, h, w] = shapes.get(l.inputs[0]);
      const [m, c, k] = l.params.weight.shape;
      const ho = Math.floor((h + 2 * l.attrs.pad - k) / l.attrs.stride) + 1, wo = Math.floor((w + 2 * l.attrs.pad - k) / l.attrs.stride) + 1;
      const tile = tileOf(c, k, l.attrs.stride, ho, wo);
      total += tile ? (tile + 2) ** 2 * m * c * Math.ceil(ho / tile) * Math.ceil(wo / tile) : m * c * k * k * ho * wo;
      shapes.set(l.name, [m, ho, wo]);
    } else if (l.op === "maxpool") {
      const [c, h, w] = shapes.get(l.inputs[0]);
      const o = (n) => Math.floor((n + 2 * l.attrs.pad - l.attrs.k) / l.attrs.stride) + 1;
      shapes.set(l.name, [c, o(h), o(w)]);
    } else if (l.op === "gap") shapes.set(l.name, [shapes.get(l.inputs[0])[0]]);
    else if (l.op === "fc") {
      total += l.params.weight.data.length;
      shapes.set(l.name, [1000]);
    } else shapes.set(l.name, shapes.get(l.inputs[0]));
  }
  return total;
}
