import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import onnxProto from "onnx-proto";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { root } from "../helpers/netfig.js";
import { scratchDir } from "../helpers/temp.js";
import { encodeModel } from "../import/onnx-build.js";

/** Runs the built command line (npm test builds dist/ first), with a timeout so that a hang fails instead of stalling. */
function netfig(args: string[], options: { input?: string; cwd?: string; stdin?: "/dev/zero" } = {}) {
  const started = Date.now();
  const result = spawnSync(process.execPath, [join(root, "bin/netfig.js"), ...args], {
    cwd: options.cwd ?? root,
    input: options.input,
    encoding: "utf8",
    timeout: 20_000,
    ...(options.stdin ? { stdio: [openSync(options.stdin, "r"), "pipe", "pipe"] } : {}),
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, ms: Date.now() - started };
}

/** Exit 1, one message naming `name`, no stack trace. */
function expectInvalid(run: ReturnType<typeof netfig>, name: string, message: RegExp): void {
  expect(run.status, run.stderr).toBe(1);
  expect(run.stderr).toContain(name);
  expect(run.stderr).toMatch(message);
  expect(run.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
}

const LENET_OK = "input 32x32x1\nconv 6 5x5 -> relu\nmaxpool 2x2/2\nflatten\nfc 10\n";

describe("resource bombs are refused quickly with a located error and exit 1", () => {
  const bombs: [string, string, RegExp][] = [
    ["huge repeat", "input 8x8x1\nblock b() {\n  repeat 1e12 maxpool 2x2/2\n}\nb()\n", /bomb\.netfig:5:1: error: the network expands to more than 100000 layers/],
    ["recursive fan-out", "input 8x8x1\nblock a() {\n  a() -> a()\n}\na()\n", /bomb\.netfig:3:3: error: block 'a' calls itself/],
    ["towers 1e12", "input 8x8x1\ntowers 1e12 {\n  relu\n}\n", /bomb\.netfig:2:8: error: towers count must be at most 256/],
    ["deep nesting", `input 8x8x1\n${"g: {\n".repeat(10_000)}`, /bomb\.netfig:202:5: error: nesting deeper than 200 levels/],
  ];
  for (const [what, text, message] of bombs) {
    it(`refuses the ${what}`, () => {
      const dir = scratchDir();
      writeFileSync(join(dir, "bomb.netfig"), text);
      const run = netfig(["check", "bomb.netfig"], { cwd: dir });
      expectInvalid(run, "bomb.netfig", message);
      // Node's own start is most of this; the refusal itself is timed in limits.test.ts.
      expect(run.ms).toBeLessThan(5000);
    });
  }

  it("refuses to run a 100000x100000x3 input before allocating it (check accepts it: the numbers are fine)", () => {
    const dir = scratchDir();
    writeFileSync(join(dir, "huge.netfig"), "input 100000x100000x3\nconv 4 3x3\n");
    expect(netfig(["check", "huge.netfig"], { cwd: dir }).status).toBe(0);
    const run = netfig(["run", "huge.netfig"], { cwd: dir });
    expectInvalid(run, "huge.netfig:1:1", /computes 30000000000 values, more than the 1073741824 a run may/);
  });

  it("caps --threads at the cores (10,000 threads exhausted 12 GB)", () => {
    const run = netfig(["run", "lenet5", "--threads", "10000"]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^softmax_1: \[1, 10\]/);
  });
});

describe("endless and corrupt files are input errors that name the file", () => {
  it("stops reading /dev/zero as a model, as stdin, as weights and as an input", () => {
    expectInvalid(netfig(["check", "/dev/zero"]), "/dev/zero", /holds more than the 64 MiB netfig reads/);
    expectInvalid(netfig(["check", "-"], { stdin: "/dev/zero" }), "<stdin>", /holds more than the 64 MiB netfig reads/);
    expectInvalid(netfig(["run", "lenet5", "--weights", "/dev/zero"]), "/dev/zero", /holds more than the 256 MiB netfig reads/);
    expectInvalid(netfig(["run", "lenet5", "--input", "/dev/zero"]), "/dev/zero", /holds more than the 256 MiB netfig reads/);
  }, 60_000);

  /** A `.npy` file: magic, version 1.0, the header padded to 64 bytes, then `body`. */
  function npy(header: string, body: Uint8Array = new Uint8Array(0)): Uint8Array {
    const padded = header + " ".repeat((64 - ((10 + header.length + 1) % 64)) % 64) + "\n";
    const bytes = new Uint8Array(10 + padded.length + body.length);
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
    new DataView(bytes.buffer).setUint16(8, padded.length, true);
    for (let i = 0; i < padded.length; i++) bytes[10 + i] = padded.charCodeAt(i);
    bytes.set(body, 10 + padded.length);
    return bytes;
  }
  const floats = (n: number) => new Uint8Array(new Float32Array(n).buffer);
  const good = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 32, 32), }";
  const cases: [string, Uint8Array, RegExp][] = [
    ["truncated", npy(good, floats(100)), /file is truncated \(1024 values of 4 bytes expected\)/],
    ["bad magic", new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), /not a \.npy file \(bad magic\)/],
    ["int32", npy(good.replace("<f4", "<i4"), floats(1024)), /dtype <i4 is not supported/],
    ["complex", npy(good.replace("<f4", "<c8"), floats(2048)), /dtype <c8 is not supported/],
    ["object", npy(good.replace("<f4", "|O"), floats(1024)), /dtype \|O is not supported/],
    ["Fortran order", npy(good.replace("False", "True"), floats(1024)), /Fortran-order arrays are not supported/],
    ["negative shape", npy(good.replace("(1, 1, 32, 32)", "(1, -1, 32, 32)"), floats(1024)), /shape has a size '-1'/],
    ["NaN shape", npy(good.replace("(1, 1, 32, 32)", "(nan, 32)"), floats(1024)), /shape has a size 'nan'/],
    ["header past the end", npy(good).subarray(0, 40), /header of 118 bytes runs past the end of the file/],
    ["wrong shape", npy(good.replace("(1, 1, 32, 32)", "(1, 3, 32, 32)"), floats(3072)), /holds a 1x3x32x32 tensor; input input takes 1x32x32/],
  ];
  for (const [what, bytes, message] of cases) {
    it(`reports a ${what} .npy input as invalid input (it was exit 70)`, () => {
      const dir = scratchDir();
      writeFileSync(join(dir, "x.npy"), bytes);
      expectInvalid(netfig(["run", "lenet5", "--input", join(dir, "x.npy")]), "x.npy", message);
    });
  }

  it("reads gzip-compressed models (2,327 text errors for a .onnx.gz before) and names a broken or oversized one", () => {
    const dir = scratchDir();
    writeFileSync(join(dir, "lenet5.netfig.gz"), gzipSync(readFileSync(join(root, "templates/lenet5.netfig"))));
    const text = netfig(["check", join(dir, "lenet5.netfig.gz")]);
    expect([text.status, text.stdout]).toEqual([0, expect.stringContaining("61,706 params")]);
    const onnx = netfig(["check", join(root, "tests/fixtures/onnx/transformers/vit_b_16.onnx.gz")]);
    expect([onnx.status, onnx.stdout]).toEqual([0, expect.stringContaining("86,567,656 params")]);
    writeFileSync(join(dir, "cut.gz"), gzipSync(readFileSync(join(root, "templates/vgg16.netfig"))).subarray(0, 40));
    expectInvalid(netfig(["check", join(dir, "cut.gz")]), "cut.gz", /not a valid gzip file/);
    // 65 MiB of spaces packs into 65 kB: more than a .netfig text may have.
    writeFileSync(join(dir, "spaces.gz"), gzipSync(Buffer.alloc(65 * 2 ** 20, 0x20)));
    expectInvalid(netfig(["check", join(dir, "spaces.gz")]), "spaces.gz", /more than a \.netfig text may have \(64 MiB\)/);
  });

  it("reports an image that is not one and a safetensors header that is not JSON as invalid input", () => {
    const dir = scratchDir();
    writeFileSync(join(dir, "bad.png"), Buffer.from("this is not an image at all"));
    expectInvalid(netfig(["run", "lenet5", "--input", join(dir, "bad.png")]), "bad.png", /not a PNG or JPEG file/);
    const header = Buffer.from("{not json}");
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(header.length));
    writeFileSync(join(dir, "bad.safetensors"), Buffer.concat([length, header]));
    expectInvalid(netfig(["run", "lenet5", "--weights", join(dir, "bad.safetensors")]), "bad.safetensors", /header is not JSON/);
    writeFileSync(join(dir, "short.safetensors"), Buffer.from([200, 0, 0, 0, 0, 0, 0, 0, 123]));
    expectInvalid(netfig(["run", "lenet5", "--weights", join(dir, "short.safetensors")]), "short.safetensors", /header length 200 runs past the end of the file/);
  });

  it("draws activations whose weights overflow float32 (3e38) instead of crashing in the thumbnails", () => {
    const dir = scratchDir();
    writeFileSync(join(dir, "net.netfig"), LENET_OK);
    // Every weight 3e38 (safetensors: 8-byte header length, JSON header, little-endian F32 data).
    const tensors: [string, number[]][] = [["conv_1.weight", [6, 1, 5, 5]], ["conv_1.bias", [6]], ["fc_1.weight", [10, 1176]], ["fc_1.bias", [10]]];
    let offset = 0;
    const header: Record<string, unknown> = {};
    const data: Uint8Array[] = [];
    for (const [name, shape] of tensors) {
      const n = shape.reduce((a, b) => a * b, 1);
      header[name] = { dtype: "F32", shape, data_offsets: [offset, offset + 4 * n] };
      offset += 4 * n;
      data.push(new Uint8Array(new Float32Array(n).fill(3e38).buffer));
    }
    const json = Buffer.from(JSON.stringify(header));
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(json.length));
    writeFileSync(join(dir, "big.safetensors"), Buffer.concat([length, json, ...data]));
    const run = netfig(["render", "net.netfig", "--activations", "--weights", "big.safetensors", "-o", "net.png"], { cwd: dir });
    expect(run.status, run.stderr).toBe(0);
    expect(readFileSync(join(dir, "net.png")).subarray(1, 4).toString()).toBe("PNG");
  });
});

describe("ONNX files: implausible sizes refused, names made safe, duplicates fast", () => {
  it("refuses an initializer dimension of 2^40 (it gave 6.9e23 parameters and exit 0)", () => {
    const dir = scratchDir();
    const model = encodeModel({
      input: [1, 4],
      nodes: [{ op: "MatMul", name: "/fc/MatMul", inputs: ["x", "w"], outputs: ["y"] }],
      weights: { w: { dims: [4, 2], values: new Float32Array(8) } },
    });
    // The initializer's second dimension rewritten as 2^40 through the schema.
    const decoded = onnxProto.onnx.ModelProto.decode(model);
    decoded.graph!.initializer![0]!.dims = [4, 2 ** 40];
    writeFileSync(join(dir, "big.onnx"), onnxProto.onnx.ModelProto.encode(decoded).finish());
    expectInvalid(netfig(["check", "big.onnx"], { cwd: dir }), "big.onnx", /initializer 'w' has a dimension of 1099511627776/);
  });

  it("escapes control characters in node names before they reach the terminal", () => {
    const dir = scratchDir();
    writeFileSync(join(dir, "esc.onnx"), encodeModel({ input: [1, 4], nodes: [{ op: "Relu", name: "/evil\u001b[2J\u0007/Relu", inputs: ["x"], outputs: ["y\u001b]0;owned\u0007"] }] }));
    const run = netfig(["summary", "esc.onnx"], { cwd: dir });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout + run.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(run.stdout).toContain("\\x1b");
  });

  it("escapes control characters of a .netfig title in check and summary output", () => {
    const dir = scratchDir();
    writeFileSync(join(dir, "esc.netfig"), 'title "\u001b[2Jgone"\ninput 4\nfc 2\n');
    for (const command of ["check", "summary"]) {
      const run = netfig([command, "esc.netfig"], { cwd: dir });
      expect(run.status).toBe(0);
      expect(run.stdout).toContain("\\x1b[2Jgone");
      expect(run.stdout).not.toContain("\u001b");
    }
  });

  it("names 5,000 nodes that all share one name in linear time", () => {
    const dir = scratchDir();
    const nodes = Array.from({ length: 5000 }, (_, i) => ({ op: "Relu", name: "/block/Relu", inputs: [i === 0 ? "x" : `t${i - 1}`], outputs: [`t${i}`] }));
    writeFileSync(join(dir, "dup.onnx"), encodeModel({ input: [1, 8], nodes }));
    const run = netfig(["check", "dup.onnx"], { cwd: dir });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain("5001 layers");
    expect(run.ms).toBeLessThan(10_000);
  });

  it("dumps tensors whose names hold NUL or 10,000 characters under names a file system takes", () => {
    const dir = scratchDir();
    const long = "t".repeat(10_000);
    writeFileSync(join(dir, "names.onnx"), encodeModel({ input: [1, 4], nodes: [
      { op: "Relu", name: "a", inputs: ["x"], outputs: ["nul\u0000name"] },
      { op: "Relu", name: "b", inputs: ["nul\u0000name"], outputs: [long] },
    ] }));
    const run = netfig(["run", "names.onnx", "--dump", "out"], { cwd: dir });
    expect(run.status, run.stderr).toBe(0);
    const files = readdirSync(join(dir, "out")).sort();
    // The importer escapes the NUL (`\x00`); the dump turns the backslash, like a slash, into `@`.
    expect(files).toContain("nul@x00name.npy");
    expect(files.every((f) => Buffer.byteLength(f) < 255)).toBe(true);
    const index = JSON.parse(readFileSync(join(dir, "out/index.json"), "utf8")) as Record<string, { file: string }>;
    expect(existsSync(join(dir, "out", index[long]!.file))).toBe(true);
  });
});

describe("file-system errors are one line and exit 1; nothing is lost", () => {
  function project(): string {
    const dir = scratchDir();
    writeFileSync(join(dir, "net.netfig"), LENET_OK);
    return dir;
  }

  it("names a missing folder, a directory, a read-only place, a full disk and a name too long", () => {
    const dir = project();
    mkdirSync(join(dir, "folder.svg"));
    symlinkSync("/dev/full", join(dir, "full.svg"));
    const readOnly = join(dir, "ro");
    mkdirSync(readOnly);
    chmodSync(readOnly, 0o555);
    // root ignores permission bits; sysfs refuses new files even to root.
    const readOnlyTarget = process.getuid?.() === 0 ? "/sys/netfig-test.svg" : join(readOnly, "x.svg");
    const cases: [string, RegExp][] = [
      ["missing/dir/x.svg", /cannot write missing\/dir\/x\.svg: no such file or folder/],
      ["folder.svg", /cannot write folder\.svg: is a folder, not a file/],
      [readOnlyTarget, /: permission denied|: the file system is read-only/],
      ["full.svg", /cannot write full\.svg: no space left on the device/],
      [`${"n".repeat(300)}.svg`, /the name is too long/],
    ];
    for (const [target, message] of cases) {
      const run = netfig(["render", "net.netfig", "-o", target], { cwd: dir });
      expectInvalid(run, "netfig: cannot write", message);
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
    }
    chmodSync(readOnly, 0o755);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("names a dump folder it cannot make", () => {
    const target = process.getuid?.() === 0 ? "/sys/netfig-dump" : "/proc/netfig-dump";
    const run = netfig(["run", "lenet5", "--dump", target]);
    expectInvalid(run, `netfig: cannot make the folder ${target}`, /not permitted|permission denied|no such file/);
  });

  it("keeps a good figure when a render fails", () => {
    const dir = project();
    writeFileSync(join(dir, "out.svg"), "<svg>good</svg>");
    writeFileSync(join(dir, "broken.netfig"), "input 8x8x1\nconv 4 9x9\n");
    expect(netfig(["render", "broken.netfig", "-o", "out.svg"], { cwd: dir }).status).toBe(1);
    expect(readFileSync(join(dir, "out.svg"), "utf8")).toBe("<svg>good</svg>");
  });

  it("refuses to write the figure over its own source, by any name", () => {
    const dir = scratchDir();
    writeFileSync(join(dir, "net.svg"), LENET_OK);
    symlinkSync("net.svg", join(dir, "link.svg"));
    for (const args of [["render", "net.svg"], ["render", "net.svg", "-o", "./net.svg"], ["render", "link.svg", "-o", "net.svg"]]) {
      const run = netfig(args, { cwd: dir });
      expectInvalid(run, "net.svg", /will not write .*net\.svg: it is the input/);
    }
    expect(readFileSync(join(dir, "net.svg"), "utf8")).toBe(LENET_OK);
  });

  it("says a PNG too large to make is too large, as invalid input (SVG and PDF have no such limit)", () => {
    const dir = scratchDir();
    writeFileSync(join(dir, "long.netfig"), `input 32x32x3\n${"conv 8 3x3 pad=1\n".repeat(4000)}`);
    // In one row, as asked (at natural size the chain wraps into rows and fits): 1,250,196 × 813 pixels.
    const run = netfig(["render", "long.netfig", "--rows", "1", "-o", "long.png"], { cwd: dir });
    expectInvalid(run, "error:", /a PNG of \d+×\d+ pixels is too large to make/);
    expect(existsSync(join(dir, "long.png"))).toBe(false);
  }, 30_000);

  it("ends quietly when the reader closes the pipe (render -o - | head -c 100)", async () => {
    const child = spawn(process.execPath, [join(root, "bin/netfig.js"), "render", "lenet5", "-o", "-"], { cwd: root });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.once("data", () => child.stdout.destroy());
    const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(stderr).toBe("");
    expect(status).toBe(0);
  });
});
