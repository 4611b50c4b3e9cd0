import type { Theme } from "./types.js";

const ink = "#222222";

/**
 * Light pastel fills and dark outlines: distinct in colour, and distinct in lightness so
 * the figure survives a greyscale printer.
 */
export const paper: Theme = {
  name: "paper",
  background: "#ffffff",
  font: "sans",
  categories: {
    input: { fill: "#e8e8e8", name: "Input" },
    conv: { fill: "#fbe3a6", name: "Convolution" },
    deconv: { fill: "#f7c89b", name: "Transposed conv." },
    pool: { fill: "#f4a99b", name: "Pooling" },
    norm: { fill: "#b9d7ee", name: "Normalization" },
    activation: { fill: "#f2ae5c", name: "Activation" },
    dense: { fill: "#c9b8e3", name: "Fully connected" },
    reshape: { fill: "#d8d8d8", name: "Reshape" },
    regularization: { fill: "#c6c6c6", name: "Dropout" },
    merge: { fill: "#bfe3c0", name: "Merge" },
    shortcut: { fill: "#c9cde8", name: "Shortcut" },
    recurrent: { fill: "#a9dcd6", name: "Recurrent" },
    attention: { fill: "#ea9dbc", name: "Attention" },
    embedding: { fill: "#d2bd8c", name: "Embedding" },
    opaque: { fill: "#f3eee2", name: "Not analysed" },
  },
  outline: { color: ink, width: 0.6 },
  shade: { top: 1.1, side: 0.93 },
  faceOpacity: 1,
  hiddenEdges: false,
  edge: { color: "#444444", width: 0.9 },
  frame: { color: "#8a8a8a", width: 0.7, dash: [3, 2], fill: "none" },
  text: {
    shape: { size: 8, weight: "normal", style: "normal", color: ink },
    name: { size: 8.5, weight: "bold", style: "normal", color: ink },
    detail: { size: 7.5, weight: "normal", style: "normal", color: "#555555" },
    channels: { size: 7, weight: "normal", style: "normal", color: ink },
    frame: { size: 8, weight: "normal", style: "italic", color: "#555555" },
    title: { size: 13, weight: "bold", style: "normal", color: ink },
    legend: { size: 8, weight: "normal", style: "normal", color: ink },
    badge: { size: 9, weight: "bold", style: "normal", color: ink },
    merge: { size: 11, weight: "bold", style: "normal", color: ink },
  },
};
