import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { root } from "../helpers/netfig.js";
import { scratchDir } from "../helpers/temp.js";

/** Runs the built command line (npm test builds dist/ first). */
function netfig(args: string[]) {
  const result = spawnSync(process.execPath, [join(root, "bin/netfig.js"), ...args], { cwd: root, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const dir = scratchDir("netfig-network-");

/** Every command that takes --network, with the arguments it needs besides the file. */
const COMMANDS: [string, string[]][] = [
  ["render", ["-o", join(dir, "fig.svg")]],
  ["render --activations", ["--activations", "-o", join(dir, "act.svg")]],
  ["check", []],
  ["summary", []],
  ["summary --json", ["--json"]],
  ["run", []],
  ["export", ["-o", join(dir, "net.onnx")]],
];

describe("--network", () => {
  for (const [name, extra] of COMMANDS) {
    const [command, ...flags] = name.split(" ");
    it(`${name}: an unknown network is a usage error (exit 2) listing the file's networks`, () => {
      const run = netfig([command!, "examples/gan.netfig", ...flags, ...extra.filter((a) => !flags.includes(a)), "--network", "nosuch"]);
      expect(run.stderr).toBe("netfig: --network: no network 'nosuch' in examples/gan.netfig (it has generator, discriminator)\n");
      expect(run.status).toBe(2);
      expect(run.stdout).toBe("");
    });
  }

  it("render writes nothing for an unknown network", () => {
    const output = join(dir, "none.svg");
    expect(netfig(["render", "examples/lenet5.netfig", "--network", "nosuch", "-o", output]).status).toBe(2);
    expect(existsSync(output)).toBe(false);
  });

  it("check and summary show only the network named", () => {
    expect(netfig(["check", "examples/gan.netfig"]).stdout.trimEnd().split("\n")).toHaveLength(2);
    const check = netfig(["check", "examples/gan.netfig", "--network", "discriminator"]);
    expect(check.status).toBe(0);
    expect(check.stdout).toMatch(/^discriminator: OK — 17 layers, [\d,]+ params, [\d.]+[MG] MACs\n$/);
    const summary = netfig(["summary", "--json", "examples/gan.netfig", "--network", "generator"]);
    expect(summary.status).toBe(0);
    expect(JSON.parse(summary.stdout).networks.map((n: { name: string }) => n.name)).toEqual(["generator"]);
  });

  it("run and export take a network by name", () => {
    const run = netfig(["run", "examples/gan.netfig", "--network", "discriminator", "--threads", "1"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe("sigmoid_1: [1, 1, 1, 1]\n");
    const output = join(dir, "discriminator.onnx");
    expect(netfig(["export", "examples/gan.netfig", "--network", "discriminator", "-o", output]).status).toBe(0);
    expect(existsSync(output)).toBe(true);
  });
});
