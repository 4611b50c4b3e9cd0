/**
 * Ctrl-C during a write leaves nothing behind: the temporary file beside the target is
 * removed, a good file already at the target stays as it was, and the command exits as
 * a shell expects of one stopped by SIGINT (130) or SIGTERM (143). The handler is there
 * only while the temporary file is open, so nothing is left listening in the process.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeOutput } from "../../src/cli/io.js";
import { root } from "../helpers/netfig.js";
import { scratchDir } from "../helpers/temp.js";

const GOOD = "a good figure from an earlier run\n";

/** Runs `netfig ARGS` in DIR, sends `signal` as soon as a temporary file appears there, and waits for the exit. */
function interruptWhileWriting(dir: string, args: string[], signal: "SIGINT" | "SIGTERM"): Promise<{ code: number | null; sawTemporary: boolean; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(root, "bin/netfig.js"), ...args], { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    let sawTemporary = false;
    const poll = setInterval(() => {
      if (!readdirSync(dir).some((f) => f.endsWith(".tmp"))) return;
      sawTemporary = true;
      clearInterval(poll);
      child.kill(signal);
    }, 2);
    child.on("error", fail);
    child.on("exit", (code) => {
      clearInterval(poll);
      done({ code, sawTemporary, stderr });
    });
  });
}

describe("a signal while the output is written", () => {
  // ResNet-50 exported with its 25,557,032 seeded parameters is a 100 MB file: written a piece at a time, long enough to be caught.
  for (const [signal, status] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    it(`${signal}: no .tmp left, the good file at the target untouched, exit ${status}`, async () => {
      const dir = scratchDir();
      writeFileSync(join(dir, "resnet50.onnx"), GOOD);
      const run = await interruptWhileWriting(dir, ["export", "resnet50", "-o", "resnet50.onnx"], signal);
      expect(run.sawTemporary).toBe(true);
      expect(run.code, run.stderr).toBe(status);
      expect(readdirSync(dir)).toEqual(["resnet50.onnx"]);
      expect(readFileSync(join(dir, "resnet50.onnx"), "utf8")).toBe(GOOD);
    }, 60_000);
  }

  it("leaves no signal listener behind once the write is done (a library user's process keeps its own behaviour)", async () => {
    const dir = scratchDir();
    const before = [process.listenerCount("SIGINT"), process.listenerCount("SIGTERM")];
    await writeOutput(join(dir, "x.svg"), "<svg/>");
    await writeOutput(join(dir, "missing", "x.svg"), "<svg/>").catch(() => undefined);
    expect([process.listenerCount("SIGINT"), process.listenerCount("SIGTERM")]).toEqual(before);
    expect(readFileSync(join(dir, "x.svg"), "utf8")).toBe("<svg/>");
    expect(existsSync(join(dir, "missing"))).toBe(false);
  });
});
