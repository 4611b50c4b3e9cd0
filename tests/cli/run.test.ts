import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeNpy } from "../../src/engine/io/npy.js";
import { root } from "../helpers/netfig.js";
import { scratchDir } from "../helpers/temp.js";

function netfig(args: string[]) {
  const result = spawnSync(process.execPath, [join(root, "bin/netfig.js"), ...args], { cwd: root, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const fixtures = join(root, "tests/fixtures/engine/networks");

describe("netfig run", () => {
  it("--dump writes every layer as .npy in PyTorch's layout, equal to PyTorch's outputs, and an index", () => {
    const dir = scratchDir("netfig-run-");
    const run = netfig(["run", join(fixtures, "cnn.netfig"), "--input", join(fixtures, "cnn/input.npy"), "--weights", join(fixtures, "cnn/weights.safetensors"), "--threads", "1", "--dump", dir]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const index = JSON.parse(readFileSync(join(dir, "index.json"), "utf8"));
    expect(index.conv1).toEqual({ file: "conv1.npy", shape: [1, 8, 16, 16] });
    expect(index.fc).toEqual({ file: "fc.npy", shape: [1, 10] });
    for (const id of Object.keys(index)) {
      const ours = decodeNpy(new Uint8Array(readFileSync(join(dir, index[id].file))));
      const torch = decodeNpy(new Uint8Array(readFileSync(join(fixtures, "cnn/outputs", `${id}.npy`))));
      expect(ours.shape, id).toEqual(torch.shape);
      ours.data.forEach((v, i) => expect(Math.abs(v - torch.data[i]!), id).toBeLessThan(1e-4 * Math.max(1e-3, Math.abs(torch.data[i]!)) + 1e-7));
    }
  });

  it("--dump names a layer past 200 bytes by its start and a hash of the whole name", () => {
    const dir = scratchDir("netfig-run-");
    const name = "l".repeat(230);
    const file = join(dir, "long.netfig");
    writeFileSync(file, `input 4\n${name}: fc 2\n`);
    const run = netfig(["run", file, "--dump", dir]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const expected = `${"l".repeat(40)}~${createHash("sha256").update(name).digest("hex").slice(0, 16)}.npy`;
    expect(JSON.parse(readFileSync(join(dir, "index.json"), "utf8"))[name]).toEqual({ file: expected, shape: [1, 2] });
    expect(decodeNpy(new Uint8Array(readFileSync(join(dir, expected)))).shape).toEqual([1, 2]);
  });

  it("uses the input values and filter weights written in the file (the 6x6 edge example: -5 first)", () => {
    const dir = scratchDir("netfig-run-");
    expect(netfig(["run", "edge-detection", "--dump", dir]).status).toBe(0);
    const index = JSON.parse(readFileSync(join(dir, "index.json"), "utf8"));
    const last = Object.keys(index).at(-1)!;
    const output = decodeNpy(new Uint8Array(readFileSync(join(dir, index[last].file))));
    expect(output.shape).toEqual([1, 1, 4, 4]);
    expect(Array.from(output.data.subarray(0, 4))).toEqual([-5, -4, 0, 8]);
  });

  it("prints the top classes of a vector output", () => {
    const run = netfig(["run", "lenet5", "--seed", "3"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^softmax_1: \[1, 10\], top 5: \d+ \(0\.\d+\)/);
  });

  it("gives the same numbers for the same seed", () => {
    expect(netfig(["run", "lenet5", "--seed", "3"]).stdout).toBe(netfig(["run", "lenet5", "--seed", "3"]).stdout);
  });

  it("reports a missing weights file as invalid input", () => {
    const run = netfig(["run", "lenet5", "--weights", "no-such.safetensors"]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("no-such.safetensors: error: cannot read: no such file or folder");
  });
});
