/**
 * The preview page: the figure, the error of a broken edit above it (the figure kept),
 * a tooltip with a block's summary row, the controls and the command line they make,
 * and download buttons. Everything the server sends is put in with `textContent`, except
 * the SVG, which the renderer escaped.
 */

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

const STYLE = `
body { font: 14px/1.4 "DejaVu Sans", system-ui, sans-serif; margin: 0; color: #222; background: #f4f4f2; }
header { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; padding: 8px 16px; background: #fff; border-bottom: 1px solid #ddd; }
header h1 { font-size: 15px; margin: 0 12px 0 0; }
label { display: inline-flex; gap: 4px; align-items: center; }
#command { display: block; padding: 6px 16px; background: #fff; border-bottom: 1px solid #ddd; font: 12px "DejaVu Sans Mono", monospace; user-select: all; }
#error { margin: 12px 16px 0; padding: 8px 12px; background: #fff0f0; border: 1px solid #e0a0a0; font: 12px/1.35 "DejaVu Sans Mono", monospace; white-space: pre; overflow-x: auto; }
#figure { margin: 12px 16px; padding: 12px; background: #fff; border: 1px solid #ddd; overflow: auto; }
#figure svg { max-width: 100%; height: auto; }
#figure [id^="block-face-"]:hover { filter: brightness(0.92); }
#tooltip { position: fixed; pointer-events: none; background: #222; color: #fff; padding: 6px 8px; border-radius: 4px; font-size: 12px; white-space: pre; }
#status { margin-left: auto; color: #666; font-size: 12px; }
button, select { font: inherit; }
`;

const SCRIPT = `
const figure = document.getElementById("figure");
const errorBox = document.getElementById("error");
const tooltip = document.getElementById("tooltip");
const command = document.getElementById("command");
const status = document.getElementById("status");
const networkControl = document.getElementById("network");
const controls = ["network", "theme", "direction", "width"].map((id) => document.getElementById(id));
let rows = {};
let asked = 0;

function query(extra) {
  const q = new URLSearchParams();
  for (const c of controls) if (c.value && !c.closest("[hidden]")) q.set(c.id, c.value);
  for (const [k, v] of Object.entries(extra || {})) q.set(k, v);
  return q.toString();
}

async function refresh() {
  const mine = ++asked;
  const response = await fetch("/figure?" + query());
  const data = await response.json();
  if (mine !== asked) return;
  command.textContent = data.command;
  if (data.ok) {
    showNetworks(data.networks, data.network);
    figure.innerHTML = data.svg.replace(/^<\?xml[^>]*>\s*/, "");
    rows = data.rows;
    errorBox.hidden = true;
    errorBox.textContent = "";
  } else {
    // The last good figure stays; the error says where the edit went wrong.
    errorBox.textContent = data.error;
    errorBox.hidden = false;
  }
  document.body.dataset.version = String(data.version);
  status.textContent = (data.ok ? "updated " : "error at ") + new Date().toLocaleTimeString();
}

/** A file of several networks gets a choice of network; the first is drawn until one is picked. */
function showNetworks(names, drawn) {
  const current = [...networkControl.options].map((o) => o.value).join("\\n");
  if (current === names.join("\\n")) return;
  networkControl.replaceChildren(...names.map((name) => Object.assign(document.createElement("option"), { value: name, textContent: name })));
  networkControl.value = drawn;
  networkControl.parentElement.hidden = names.length < 2;
}

for (const c of controls) c.addEventListener("change", refresh);
for (const format of ["svg", "pdf", "png"]) {
  document.getElementById("download-" + format).addEventListener("click", () => {
    const link = document.createElement("a");
    link.href = "/download?" + query({ format });
    link.download = "";
    document.body.append(link);
    link.click();
    link.remove();
  });
}

figure.addEventListener("mousemove", (event) => {
  const face = event.target.closest && event.target.closest('[id^="block-face-"]');
  const row = face && (rows[face.id] || rows[face.id.replace(/-\\d+$/, "")]);
  if (!row) { tooltip.hidden = true; return; }
  tooltip.textContent = [row.name + "  (" + row.op + ")", "shape  " + row.shape, "params " + row.params, "MACs   " + row.macs, ...(row.rf ? ["RF     " + row.rf] : []), "memory " + row.memory].join("\\n");
  tooltip.style.left = event.clientX + 14 + "px";
  tooltip.style.top = event.clientY + 14 + "px";
  tooltip.hidden = false;
});
figure.addEventListener("mouseleave", () => { tooltip.hidden = true; });

new EventSource("/events").addEventListener("change", refresh);
`;

function options(values: readonly (readonly [string, string])[]): string {
  return values.map(([value, text]) => `<option value="${escapeHtml(value)}">${escapeHtml(text)}</option>`).join("");
}

/** The page for FILE; the themes are the registered ones, the fonts' @font-face rules those the figure uses. */
export function pageHtml(file: string, themes: readonly string[], fontCss: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(file)} — netfig</title>
<style>${fontCss}
${STYLE}</style>
</head>
<body>
<header>
  <h1>${escapeHtml(file)}</h1>
  <label hidden>network <select id="network"></select></label>
  <label>theme <select id="theme">${options([["", "(file's)"], ...themes.map((t) => [t, t] as const)])}</select></label>
  <label>direction <select id="direction">${options([["", "(file's)"], ["right", "right"], ["down", "down"]])}</select></label>
  <label>width <select id="width">${options([["", "natural"], ["85mm", "85mm (one column)"], ["178mm", "178mm (two columns)"]])}</select></label>
  <button id="download-svg">SVG</button>
  <button id="download-pdf">PDF</button>
  <button id="download-png">PNG</button>
  <span id="status">loading…</span>
</header>
<code id="command"></code>
<pre id="error" hidden></pre>
<div id="figure"></div>
<div id="tooltip" hidden></div>
<script type="module">${SCRIPT}</script>
</body>
</html>
`;
}
