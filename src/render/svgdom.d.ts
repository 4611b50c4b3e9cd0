// svgdom ships no types; this declares the one entry point the SVG renderer uses.
declare module "svgdom" {
  interface SvgDomDocument {
    documentElement: unknown;
  }
  export function createSVGWindow(): { document: SvgDomDocument };
}
