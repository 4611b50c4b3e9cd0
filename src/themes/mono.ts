import type { Theme } from "./types.js";

const ink = "#000000";

/**
 * Black line art for journals that print without colour: white faces, black outlines,
 * and layer kinds told apart by a few well-separated grey levels.
 */
export const mono: Theme = {
  name: "mono",
  background: "#ffffff",
  font: "serif",
  categories: {
    input: { fill: "#ffffff", name: "Input" },
    conv: { fill: "#ffffff", name: "Convolution" },
    deconv: { fill: "#f0f0f0", name: "Transposed conv." },
    pool: { fill: "#9a9a9a", name: "Pooling" },
    norm: { fill: "#dcdcdc", name: "Normalization" },
    activation: { fill: "#5a5a5a", name: "Activation" },
    dense: { fill: "#c8c8c8", name: "Fully connected" },
    reshape: { fill: "#ffffff", name: "Reshape" },
    regularization: { fill: "#e8e8e8", name: "Dropout" },
    merge: { fill: "#ffffff", name: "Merge" },
    shortcut: { fill: "#e8e8e8", name: "Shortcut" },
    recurrent: { fill: "#b4b4b4", name: "Recurrent" },
    attention: { fill: "#a6a6a6", name: "Attention" },
    embedding: { fill: "#d2d2d2", name: "Embedding" },
    opaque: { fill: "#ffffff", name: "Not analysed" },
  },
  outline: { color: ink, width: 0.6 },
  shade: { top: 1, side: 0.9 },
  faceOpacity: 1,
  hiddenEdges: false,
  edge: { color: ink, width: 0.8 },
  frame: { color: ink, width: 0.6, dash: [2, 2], fill: "none" },
  text: {
    shape: { size: 9, weight: "normal", style: "normal", color: ink },
    name: { size: 9.5, weight: "bold", style: "normal", color: ink },
    detail: { size: 8.5, weight: "normal", style: "italic", color: ink },
    channels: { size: 8, weight: "normal", style: "normal", color: ink },
    frame: { size: 9, weight: "normal", style: "italic", color: ink },
    title: { size: 14, weight: "bold", style: "normal", color: ink },
    legend: { size: 9, weight: "normal", style: "normal", color: ink },
    badge: { size: 10, weight: "bold", style: "normal", color: ink },
    merge: { size: 12, weight: "bold", style: "normal", color: ink },
  },
};
