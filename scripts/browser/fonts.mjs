// The font files the browser build carries: DejaVu Sans in its four faces, the default
// family. Text in other families is measured from the precomputed metrics table
// (src/text/metrics-data.ts: printable ASCII and ×); anything else needs them here too.
import sans from "dejavu-fonts-ttf/ttf/DejaVuSans.ttf";
import sansBold from "dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf";
import sansOblique from "dejavu-fonts-ttf/ttf/DejaVuSans-Oblique.ttf";
import sansBoldOblique from "dejavu-fonts-ttf/ttf/DejaVuSans-BoldOblique.ttf";

const FILES = {
  "DejaVuSans.ttf": sans,
  "DejaVuSans-Bold.ttf": sansBold,
  "DejaVuSans-Oblique.ttf": sansOblique,
  "DejaVuSans-BoldOblique.ttf": sansBoldOblique,
};

export function fontBytes(file) {
  const name = file.split("/").pop();
  const bytes = FILES[name];
  if (!bytes) throw new Error(`netfig (browser build): ${name} is not bundled; this label needs the Node package or the sans font`);
  return bytes;
}
