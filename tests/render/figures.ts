import { readFileSync } from "node:fs";
import { analyzeSource } from "../../src/pipeline.js";
import { layout, type LayoutRequest, buildScene } from "../../src/styles/index.js";
import type { Scene } from "../../src/scene/types.js";

/** A small LeNet the renderer tests draw: a conv with a folded ReLU, a pool, a hidden flatten, an fc. */
export const LENET = `
input 32x32x1
c1: conv 6 5x5 -> relu
s2: maxpool 2x2/2
flatten
fc 10 -> softmax
`;

/** The figures the snapshot and geometry tests draw: a source file and the options it is drawn with. */
export interface Figure {
  name: string;
  file: string;
  options: LayoutRequest;
}

const nets = (name: string): string => new URL(`./nets/${name}.netfig`, import.meta.url).pathname;
const templates = (name: string): string => new URL(`../../templates/${name}.netfig`, import.meta.url).pathname;

export const FIGURES: Figure[] = [
  { name: "lenet5", file: new URL("../../examples/lenet5.netfig", import.meta.url).pathname, options: {} },
  { name: "alexnet-towers", file: nets("alexnet"), options: {} },
  { name: "alexnet-visio-pyramids", file: nets("alexnet"), options: { theme: "visio", pyramids: true } },
  { name: "inception-naive", file: nets("inception_naive"), options: {} },
  { name: "inception-bottleneck", file: nets("inception_bottleneck"), options: {} },
  { name: "resnet18", file: nets("resnet18"), options: {} },
  { name: "resnet18-down-mono", file: nets("resnet18"), options: { direction: "down", theme: "mono", labels: ["shape", "name", "channels", "params"] } },
  { name: "vgg16-visio", file: nets("vgg16"), options: { theme: "visio" } },
  { name: "vgg16-perspective-unfolded", file: nets("vgg16"), options: { camera: { kind: "perspective" }, fold: false, labels: ["shape"] } },
  { name: "resnet50-folded-repeats", file: templates("resnet50"), options: { foldRepeats: true } },
  { name: "transformer", file: templates("transformer"), options: {} },
  { name: "vit-b16-mono", file: templates("vit-b16"), options: { theme: "mono" } },
];

export async function sceneOf(file: string, options: LayoutRequest = {}): Promise<Scene> {
  return buildScene(await layout(analyzeSource(readFileSync(file, "utf8"), file.replace(/^.*\//, "")), options));
}

export async function sceneOfSource(text: string, options: LayoutRequest = {}): Promise<Scene> {
  return buildScene(await layout(analyzeSource(text, "test.netfig"), options));
}
