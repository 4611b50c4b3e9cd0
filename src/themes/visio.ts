import type { Theme } from "./types.js";

const ink = "#1a1a1a";

/**
 * The classic perspective-block look of PlotNeuralNet and the AlexNet paper: warm
 * translucent convolutions with red pooling slabs, dashed hidden edges, serif labels.
 */
export const visio: Theme = {
  name: "visio",
  background: "#ffffff",
  font: "serif",
  categories: {
    input: { fill: "#d9d9d9", name: "Input" },
    conv: { fill: "#ffe3ab", name: "Convolution" },
    deconv: { fill: "#8fb3d9", name: "Transposed conv." },
    pool: { fill: "#e0604a", name: "Pooling" },
    norm: { fill: "#ffb870", name: "Normalization" },
    activation: { fill: "#f7a14d", name: "Activation" },
    dense: { fill: "#c59ad9", name: "Fully connected" },
    reshape: { fill: "#c4e6c8", name: "Reshape" },
    regularization: { fill: "#bdbdbd", name: "Dropout" },
    merge: { fill: "#9ed99a", name: "Merge" },
    shortcut: { fill: "#a9cbe8", name: "Shortcut" },
    recurrent: { fill: "#7fd1c7", name: "Recurrent" },
    attention: { fill: "#e0709c", name: "Attention" },
    embedding: { fill: "#e6d08a", name: "Embedding" },
    opaque: { fill: "#eeeeee", name: "Not analysed" },
  },
  outline: { color: ink, width: 0.55 },
  shade: { top: 1.06, side: 0.82 },
  faceOpacity: 0.88,
  hiddenEdges: true,
  edge: { color: "#2f6b6b", width: 1.1 },
  frame: { color: "#7a7a7a", width: 0.7, dash: [4, 2.5], fill: "none" },
  text: {
    shape: { size: 9, weight: "normal", style: "normal", color: ink },
    name: { size: 9.5, weight: "bold", style: "normal", color: ink },
    detail: { size: 8.5, weight: "normal", style: "normal", color: "#444444" },
    channels: { size: 8, weight: "normal", style: "normal", color: ink },
    frame: { size: 9, weight: "normal", style: "italic", color: "#444444" },
    title: { size: 14, weight: "bold", style: "normal", color: ink },
    legend: { size: 9, weight: "normal", style: "normal", color: ink },
    badge: { size: 10, weight: "bold", style: "normal", color: ink },
    merge: { size: 12, weight: "bold", style: "normal", color: ink },
  },
};
