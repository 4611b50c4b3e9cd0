#!/usr/bin/env node
// Compiles kernels.c to WebAssembly three times, threads-enabled plain SIMD and relaxed
// SIMD (fused multiply-add), which import one shared memory that every worker of the
// pool instantiates them on, and plain SIMD with a memory of its own for runtimes
// without shared memory; embeds the modules, base64-encoded, in ../wasm-module.ts, so
// that `tsc` ships them with no copy step and nothing needs a C compiler at install time. Needs Debian's `clang` and `lld` (apt-get install
// clang lld); the relaxed build also reads `llvm-objdump`'s disassembly.
//
//   node src/engine/kernels/wasm/build.mjs           rewrite ../wasm-module.ts
//   node src/engine/kernels/wasm/build.mjs --print   print the generated TypeScript only (used by the rebuild test)
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

export const EXPORTS = ["conv2d", "conv2d_scratch", "conv2d_tiled", "conv2d_units", "winograd_prepare", "winograd_prepared_size", "conv_transpose2d", "conv_transpose2d_scratch", "linear", "linear_rows", "linear_rows_scratch", "uniform_fill", "finite_range", "channel_moments", "relu_f32", "add_f32", "sum2_f32", "affine_channels_f32", "maxpool2d"];

/** The most memory the kernels may address: wasm32's 4 GiB (a shared memory must declare its maximum). */
const MAX_MEMORY = 4 * 1024 * 1024 * 1024;

/** The single-memory build: its own memory, one thread (a browser page without cross-origin isolation has no shared memory). */
export const SINGLE_FLAGS = [
  "--target=wasm32",
  "-O3",
  "-msimd128",
  // memory.copy / memory.fill instead of calls to a libc memcpy / memset that is not there
  "-mbulk-memory",
  // a stack pointer each worker sets to its own stack
  "-mmutable-globals",
  "-nostdlib",
  "-ffreestanding",
  "-Wall",
  "-Wextra",
  "-Werror",
  "-Wl,--no-entry",
  "-Wl,--strip-all",
  "-Wl,-z,stack-size=65536",
  "-Wl,--export=__heap_base",
  "-Wl,--export=__stack_pointer",
  ...EXPORTS.map((name) => `-Wl,--export=${name}`),
];

/** The threads-enabled builds: they import one shared memory, which every worker instantiates them on. */
export const FLAGS = [...SINGLE_FLAGS, "-matomics", "-Wl,--import-memory", "-Wl,--shared-memory", `-Wl,--max-memory=${MAX_MEMORY}`];

export const RELAXED_FLAGS = ["-mrelaxed-simd", "-DRELAXED_SIMD"];

export function compilerVersion() {
  return execFileSync("clang", ["--version"], { encoding: "utf8" }).split("\n")[0].trim();
}

/** Compiles one C file (kernels.c unless told; bench/simd-ceiling.c too) and disassembles it when extraFlags are given. */
export function compile(flags, extraFlags, source = join(here, "kernels.c")) {
  const dir = mkdtempSync(join(tmpdir(), "netfig-wasm-"));
  try {
    const out = join(dir, "kernels.wasm");
    // Compile from the source's own directory with a relative path so no absolute path can reach the output.
    execFileSync("clang", [...flags, ...extraFlags, "-o", out, basename(source)], { cwd: dirname(source), stdio: ["ignore", "inherit", "inherit"] });
    return { bytes: readFileSync(out), disassembly: extraFlags.length ? execFileSync("llvm-objdump", ["-d", out], { encoding: "utf8", maxBuffer: 1 << 26 }) : "" };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function leb128(bytes, at) {
  let value = 0, shift = 0, byte;
  do {
    byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return { value, next: at };
}

/** Byte offset in the file of the code section's contents (the offsets llvm-objdump prints count from there). */
function codeSectionStart(bytes) {
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at];
    const { value: size, next } = leb128(bytes, at + 1);
    if (id === 10) return next;
    at = next + size;
  }
  throw new Error("build: the module has no code section");
}

/**
 * clang 14 encodes the fused multiply-add as the relaxed-SIMD prototype's
 * `f32x4.fma` (0xfd 0xaf 0x01); the standard, which V8 implements, numbers it
 * `f32x4.relaxed_madd` (0xfd 0x85 0x02), with the same operands and the same length.
 * Every instruction the disassembler lists as f32x4.fma is renumbered in place.
 */
export function standardRelaxedOpcodes({ bytes, disassembly }) {
  const code = codeSectionStart(bytes);
  let count = 0;
  for (const line of disassembly.split("\n")) {
    const m = /^\s*([0-9a-f]+):\s+fd af 01\s+f32x4\.fma\s*$/.exec(line);
    if (!m) {
      if (/\bf[0-9]+x[0-9]+\.fm[as]\b|relaxed/.test(line)) throw new Error(`build: unexpected relaxed instruction: ${line.trim()}`);
      continue;
    }
    const at = code + parseInt(m[1], 16);
    if (bytes[at] !== 0xfd || bytes[at + 1] !== 0xaf || bytes[at + 2] !== 0x01) throw new Error(`build: no f32x4.fma at byte ${at}`);
    bytes[at + 1] = 0x85;
    bytes[at + 2] = 0x02;
    count++;
  }
  if (count === 0) throw new Error("build: the relaxed build has no fused multiply-add");
  return bytes;
}

export function build() {
  return { simd: compile(FLAGS, []).bytes, relaxed: standardRelaxedOpcodes(compile(FLAGS, RELAXED_FLAGS)), single: compile(SINGLE_FLAGS, []).bytes };
}

function moduleSource({ simd, relaxed, single }) {
  return (
    `// Generated by src/engine/kernels/wasm/build.mjs from kernels.c: do not edit.\n` +
    `// ${simd.length} bytes (simd128) and ${relaxed.length} bytes (relaxed SIMD) of threads-enabled WebAssembly,\n` +
    `// ${single.length} bytes (simd128) with a memory of its own.\n\n` +
    `/** The compiler that produced the modules; the rebuild test compares only with this one. */\n` +
    `export const wasmCompiler = ${JSON.stringify(compilerVersion())};\n\n` +
    `/** Plain 128-bit SIMD: separate multiply and add. */\n` +
    `export const wasmSimdBase64 =\n  ${JSON.stringify(simd.toString("base64"))};\n\n` +
    `/** Relaxed SIMD: fused multiply-add (f32x4.relaxed_madd), where the runtime has it. */\n` +
    `export const wasmRelaxedBase64 =\n  ${JSON.stringify(relaxed.toString("base64"))};\n\n` +
    `/** Plain 128-bit SIMD on a memory of its own, for runtimes without shared memory (one thread). */\n` +
    `export const wasmSingleBase64 =\n  ${JSON.stringify(single.toString("base64"))};\n`
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const modules = build();
  const ts = moduleSource(modules);
  if (process.argv.includes("--print")) {
    process.stdout.write(ts);
  } else {
    writeFileSync(join(here, "..", "wasm-module.ts"), ts);
    process.stdout.write(`wrote wasm-module.ts (${modules.simd.length} + ${modules.relaxed.length} + ${modules.single.length} bytes of wasm)\n`);
  }
}
