// What the browser build has instead of the PDF, PNG, TikZ and PowerPoint renderers and the activation run.
function nodeOnly(what) {
  return () => {
    throw new Error(`netfig (browser build): ${what} needs the Node package (npm install netfig); the browser build renders SVG`);
  };
}
export const renderPdf = nodeOnly("PDF output");
export const renderPng = nodeOnly("PNG output");
export const renderTikz = nodeOnly("TikZ output");
export const renderPptx = nodeOnly("PowerPoint output");
export const activationsOf = nodeOnly("drawing activations");
