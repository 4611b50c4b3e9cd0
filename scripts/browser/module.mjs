// node:module for the browser build: `require("fontkit")` is fontkit's browser build reading
// the fonts bundled into the module (fonts.mjs), so text is measured and shaped with the
// same font files as in Node and the SVG comes out the same bytes. `require("onnx-proto")`
// and `require("elkjs/lib/elk.bundled.js")` (Node loads them on first use) are the bundled packages.
import * as fontkit from "fontkit";
import onnxProto from "onnx-proto";
import ELK from "elkjs/lib/elk.bundled.js";
import { fontBytes } from "./fonts.mjs";

const browserFontkit = { ...fontkit, openSync: (file) => fontkit.create(fontBytes(file)) };

export function createRequire() {
  const require = (name) => {
    if (name === "fontkit") return browserFontkit;
    if (name === "onnx-proto") return onnxProto;
    if (name === "elkjs/lib/elk.bundled.js") return ELK;
    throw new Error(`netfig (browser build): ${name} is not available in the browser`);
  };
  // Package folders as names only: the fonts are looked up by file name (fonts.mjs).
  require.resolve = (name) => `/netfig-packages/${name}`;
  return require;
}
export default { createRequire };
