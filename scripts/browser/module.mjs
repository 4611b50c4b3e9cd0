// node:module for the browser build: `require("fontkit")` is fontkit's browser build reading
// the fonts bundled into the module (fonts.mjs), so text is measured and shaped with the
// same font files as in Node and the SVG comes out the same bytes.
import * as fontkit from "fontkit";
import { fontBytes } from "./fonts.mjs";

const browserFontkit = { ...fontkit, openSync: (file) => fontkit.create(fontBytes(file)) };

export function createRequire() {
  const require = (name) => {
    if (name === "fontkit") return browserFontkit;
    throw new Error(`netfig (browser build): ${name} is not available in the browser`);
  };
  // Package folders as names only: the fonts are looked up by file name (fonts.mjs).
  require.resolve = (name) => `/netfig-packages/${name}`;
  return require;
}
export default { createRequire };
