/**
 * `netfig serve FILE`: a preview on 127.0.0.1 that redraws on every save. The page learns
 * of a save by server-sent events and fetches the figure with its controls; the server
 * reads the file once per save (however the editor saves it: watch.ts).
 */

import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { basename } from "node:path";
import { FORMATS, isFormat } from "../api/formats.js";
import { readModel, type ModelSource } from "../load/model.js";
import { formatDiagnostic, isNetfigError } from "../lang/diagnostics.js";
import { THEME_NAMES } from "../themes/index.js";
import { fontFaces, servedFonts } from "./fonts.js";
import { pageHtml } from "./page.js";
import { describeError, download, modelOfSource, preview, type Controls } from "./preview.js";
import { watchFile } from "./watch.js";

export interface ServeOptions {
  file: string;
  /** 0 (default) picks a free port. */
  port?: number;
  network?: string;
  /** One line per save: reloaded, or the first error. */
  onReload?(line: string): void;
}

export interface PreviewServer {
  url: string;
  close(): Promise<void>;
}

/** Only this machine's loopback address, under the names a browser uses for it (no DNS rebinding). */
const HOST = "127.0.0.1";

/** The page's controls from its query; the network given on the command line until the page picks one. */
function controlsOf(query: URLSearchParams, network: string | undefined): Controls {
  return { network: query.get("network") ?? network, theme: query.get("theme") ?? undefined, direction: query.get("direction") ?? undefined, width: query.get("width") ?? undefined };
}

function send(response: ServerResponse, status: number, type: string, body: string | Uint8Array, extra: Record<string, string> = {}): void {
  response.writeHead(status, { "content-type": type, "cache-control": "no-store", "x-content-type-options": "nosniff", ...extra });
  response.end(body);
}

/** The first line of what is wrong with the file, for the terminal. */
async function reloadLine(source: ModelSource, file: string): Promise<string> {
  try {
    await modelOfSource(source);
    return `netfig: reloaded ${file}`;
  } catch (error) {
    if (!isNetfigError(error)) throw error;
    const first = error.diagnostics.find((d) => d.severity === "error") ?? error.diagnostics[0]!;
    return formatDiagnostic(first).split("\n")[0]!;
  }
}

export async function startPreview(options: ServeOptions): Promise<PreviewServer> {
  const { file, network } = options;
  let source = readModel(file);
  let version = 0;
  const listeners = new Set<ServerResponse>();

  const reload = (): void => {
    try {
      source = readModel(file);
    } catch {
      return; // Gone for a moment mid-save; the next event brings it back.
    }
    version += 1;
    for (const listener of listeners) listener.write(`event: change\ndata: ${version}\n\n`);
    void reloadLine(source, file).then((line) => options.onReload?.(line));
  };
  const watcher = watchFile(file, reload);

  const fonts = servedFonts();
  const fontCss = fontFaces(fonts);
  let port = 0;
  const allowedHosts = (): string[] => [`${HOST}:${port}`, `localhost:${port}`];

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (!allowedHosts().includes(request.headers.host ?? "")) return send(response, 403, "text/plain; charset=utf-8", "netfig serve answers only on 127.0.0.1\n");
    if (request.method !== "GET") return send(response, 405, "text/plain; charset=utf-8", "GET only\n", { allow: "GET" });
    const url = new URL(request.url ?? "/", `http://${HOST}`);
    const controls = controlsOf(url.searchParams, network);
    switch (url.pathname) {
      case "/":
        return send(response, 200, "text/html; charset=utf-8", pageHtml(basename(file), THEME_NAMES, fontCss));
      case "/events":
        response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
        response.write(`retry: 500\nevent: change\ndata: ${version}\n\n`);
        listeners.add(response);
        request.on("close", () => listeners.delete(response));
        return;
      case "/figure": {
        const shown = version;
        const result = await preview(source, file, controls);
        return send(response, 200, "application/json; charset=utf-8", JSON.stringify({ ...result, version: shown }));
      }
      case "/download": {
        const format = url.searchParams.get("format") ?? "svg";
        if (!isFormat(format)) return send(response, 400, "text/plain; charset=utf-8", `unknown format ${JSON.stringify(format)}\n`);
        const name = `${basename(file).replace(/\.[^.]*$/, "")}.${format}`.replace(/[^\w.-]/g, "_");
        try {
          const body = await download(source, controls, format);
          return send(response, 200, FORMATS[format].mediaType, body, { "content-disposition": `attachment; filename="${name}"` });
        } catch (error) {
          const message = describeError(error, source);
          if (message === undefined) throw error;
          return send(response, 422, "text/plain; charset=utf-8", message + "\n");
        }
      }
      default: {
        const font = fonts.find((f) => f.path === url.pathname);
        if (font) return send(response, 200, "font/ttf", readFileSync(font.file), { "cache-control": "max-age=3600" });
        return send(response, 404, "text/plain; charset=utf-8", "not found\n");
      }
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, "text/plain; charset=utf-8", `netfig: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
      else response.end();
    });
  });
  await new Promise<void>((listening, failed) => {
    server.once("error", failed);
    server.listen(options.port ?? 0, HOST, () => listening());
  });
  port = (server.address() as AddressInfo).port;
  await watcher.ready;
  return {
    url: `http://${HOST}:${port}/`,
    close: async () => {
      for (const listener of listeners) listener.end();
      await watcher.close();
      await new Promise<void>((closed) => server.close(() => closed()));
    },
  };
}
