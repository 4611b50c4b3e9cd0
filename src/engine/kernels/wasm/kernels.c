/*
 * netfig's compute kernels: WebAssembly with 128-bit SIMD (simd128), no libc.
 *
 * Built by build.mjs beside this file (clang --target=wasm32 -msimd128 -O3, once
 * plain and once with relaxed SIMD); the modules are embedded in ../wasm-module.ts.
 * Every pointer is a byte offset into one shared linear memory, which all threads of
 * the worker pool instantiate the module on; the TypeScript side (../wasm.ts) lays the
 * buffers out and grows the memory before a call, and each thread computes its own
 * block of the output with its own scratch space (the *_scratch functions size it).
 *
 * Layouts are PyTorch's, without the batch dimension: images [C][H][W], conv weights
 * [Cout][Cin/groups][kh][kw], transposed-conv weights [Cin][Cout/groups][kh][kw],
 * linear weights [out][in].
 *
 * Determinism: every output element is summed in the same order whatever the tiling,
 * the edge handling or the block of output channels and positions a call computes
 * (which is how the worker pool splits work), so any number of threads gives identical
 * bits. The order is: K in equal blocks fixed by K alone (block_depth); within a
 * block, k ascending, each step one MADD (clang does not reassociate without
 * -ffast-math); blocks added in order; bias last.
 */
#include <wasm_simd128.h>

/* c + a * b. The relaxed build (-DRELAXED_SIMD) fuses it into one f32x4.relaxed_madd
 * (a * b + c, the operand order of clang 14's builtin and of the standard), which
 * rounds once where the plain build rounds twice; each build sums every element in one
 * fixed order, so either is deterministic on its own. clang 14 only knows the
 * prototype's opcode for the fused form: build.mjs renumbers it to the standard one. */
#ifdef RELAXED_SIMD
#define MADD(a, b, c) __builtin_wasm_fma_f32x4((a), (b), (c))
#else
#define MADD(a, b, c) wasm_f32x4_add((c), wasm_f32x4_mul((a), (b)))
#endif

/* Register tile of the GEMM micro-kernel: MR output channels x NR output positions.
 * 8 accumulators of 4 lanes, two B vectors and a broadcast: V8 keeps them all in the
 * 15 allocatable SIMD registers of x64. A 6x8 tile (12 accumulators) measured slower
 * because V8 spilled accumulators to the stack in the inner loop; 5x8 and 4x12 measured slower too,
 * also with fused multiply-adds (measured 2026-12-01: 4x8 48.7 GFLOP/s on the 3x3
 * 64->64 conv at 56x56, 3x12 45.5, 6x8 27.2, 5x8 25.1, 4x12 23.9). src/engine/split.ts
 * repeats MR and NR. */
#define MR 4
#define NR 8
/* Largest depth of one packed block of B. K is cut into equal blocks no deeper than
 * this (576 = a 3x3 conv over 64 channels stays one block, measured 10-15% faster
 * than blocks of 256): a 576-deep panel of B (18 KiB) and of A (9 KiB) share the
 * 32 KiB L1. Fewer blocks mean fewer passes reading and writing C. The cut depends
 * on K alone, which keeps the summation order independent of how work is split. */
#define KC_MAX 768
/* Output positions per packed block of B: KC_MAX x NC floats (at most 384 KiB) stay in L2. */
#define NC 128

static inline int min_i(int a, int b) { return a < b ? a : b; }
static inline int max_i(int a, int b) { return a > b ? a : b; }

/*
 * C[0..mr)[0..nr) = (accumulate ? C : 0) + A * B over kc steps, where A(i, k) =
 * a[i*rs + k*cs] (a packed panel, rs = 1 and cs = MR, or rows of a matrix in place,
 * rs = its row length and cs = 1) and B is one packed panel (kc rows of NR floats); C
 * rows are ldc apart. Rows past mr repeat row mr-1 and columns past nr are zero in the
 * panel: computed and dropped, so the valid elements are summed exactly as in a full tile.
 */
static void ukernel(int kc, const float *a, int rs, int cs, int mr, const float *b, float *c, int ldc, int nr,
                    int accumulate) {
  /* Constant bounds: clang unrolls every loop here and keeps the tile in wasm locals, which V8 puts in registers. */
  const float *row_a[MR];
  for (int i = 0; i < MR; i++) row_a[i] = a + min_i(i, mr - 1) * rs;
  v128_t acc[MR][NR / 4];
  for (int i = 0; i < MR; i++)
    for (int j = 0; j < NR / 4; j++) acc[i][j] = wasm_f32x4_splat(0.0f);
  for (int k = 0, at = 0; k < kc; k++, at += cs) {
    v128_t bv[NR / 4];
    for (int j = 0; j < NR / 4; j++) bv[j] = wasm_v128_load(b + 4 * j);
    b += NR;
    for (int i = 0; i < MR; i++) {
      const v128_t va = wasm_v128_load32_splat(row_a[i] + at);
      for (int j = 0; j < NR / 4; j++) acc[i][j] = MADD(va, bv[j], acc[i][j]);
    }
  }
  if (mr == MR && nr == NR) {
    for (int i = 0; i < MR; i++) {
      float *row = c + i * ldc;
      for (int j = 0; j < NR / 4; j++) {
        const v128_t sum = accumulate ? wasm_f32x4_add(wasm_v128_load(row + 4 * j), acc[i][j]) : acc[i][j];
        wasm_v128_store(row + 4 * j, sum);
      }
    }
    return;
  }
  float tile[MR * NR];
  for (int i = 0; i < MR; i++)
    for (int j = 0; j < NR / 4; j++) wasm_v128_store(tile + i * NR + 4 * j, acc[i][j]);
  for (int i = 0; i < mr; i++) {
    float *row = c + i * ldc;
    for (int j = 0; j < nr; j++) row[j] = accumulate ? row[j] + tile[i * NR + j] : tile[i * NR + j];
  }
}

/*
 * Packs rows [0, rows) of A, where A(m, k) = a[m*rs + k*cs], into MR-row panels:
 * panel p holds K rows of MR floats (rows past `rows` zero). Strides let the same
 * routine pack conv weights (rs = K, cs = 1) and transposed-conv weights read as W^T.
 */
static void pack_a(const float *a, int rs, int cs, int rows, int K, float *ap) {
  for (int m = 0; m < rows; m += MR) {
    float *panel = ap + m * K;
    const int mr = min_i(MR, rows - m);
    for (int k = 0; k < K; k++) {
      for (int i = 0; i < mr; i++) panel[k * MR + i] = a[(m + i) * rs + k * cs];
      for (int i = mr; i < MR; i++) panel[k * MR + i] = 0.0f;
    }
  }
}

/* Floats a packed copy of `rows` rows of A with K columns takes. */
static int packed_a_size(int rows, int K) { return (rows + MR - 1) / MR * MR * K; }

/*
 * Runs the micro-kernel over `rows` rows of A and one packed block of B (nc columns,
 * kc deep, from column k0 of A), writing C[m][n], n in [0, nc). A(m, k) =
 * a[(m / MR) * ms + (m % MR) * rs + k * cs]: rows in place (ms = MR * rs, cs = 1) or
 * MR-row panels from pack_a (ms = MR * K, rs = 1, cs = MR).
 */
static void gemm_block(int rows, const float *a, int ms, int rs, int cs, int k0, int kc, const float *bp, int nc, float *c,
                       int ldc, int accumulate) {
  for (int m = 0; m < rows; m += MR) {
    const int mr = min_i(MR, rows - m);
    const float *atile = a + (m / MR) * ms + k0 * cs;
    for (int p = 0; p * NR < nc; p++) {
      ukernel(kc, atile, rs, cs, mr, bp + p * kc * NR, c + m * ldc + p * NR, ldc, min_i(NR, nc - p * NR), accumulate);
    }
  }
}

/* The depth of K's blocks: ceil(K / blocks) for the fewest blocks no deeper than KC_MAX. */
static int block_depth(int K) {
  const int blocks = (K + KC_MAX - 1) / KC_MAX;
  return (K + blocks - 1) / blocks;
}

/* How many blocks of block_depth(K) cover K. */
static int block_count(int K) { return (K + block_depth(K) - 1) / block_depth(K); }

/*
 * Packs rows [k0, k0+kc) and columns [0, nc) of a matrix B given by offsets,
 * B(k, n) = src[koff[k] + noff[n]], into NR-wide panels: panel p holds columns
 * p*NR.. as kc rows of NR floats. This covers im2col (koff = channel/kernel tap,
 * noff = output position, over a zero-padded input) and plain row-major matrices.
 * Columns past nc read src[koff[k]] and are dropped by the micro-kernel.
 */
static void pack_b(const float *src, const int *koff, const int *noff, int k0, int kc, int nc, float *bp) {
  for (int p = 0; p * NR < nc; p++) {
    const int nr = min_i(NR, nc - p * NR);
    const int *no = noff + p * NR;
    int cols[NR];
    int contiguous = nr == NR, every_other = nr == NR;
    for (int j = 0; j < NR; j++) {
      cols[j] = j < nr ? no[j] : 0;
      if (j < nr && no[j] != no[0] + j) contiguous = 0;
      if (j < nr && no[j] != no[0] + 2 * j) every_other = 0;
    }
    float *panel = bp + p * kc * NR;
    if (contiguous) {
      const float *base = src + no[0];
      for (int kk = 0; kk < kc; kk++) {
        const float *s = base + koff[k0 + kk];
        for (int j = 0; j < NR; j += 4) wasm_v128_store(panel + kk * NR + j, wasm_v128_load(s + j));
      }
    } else if (every_other) {
      /* A stride-2 conv's positions in one output row: the even lanes of s[0..14] (the last load starts at 11, so nothing past s[14] is read). */
      const float *base = src + no[0];
      for (int kk = 0; kk < kc; kk++) {
        const float *s = base + koff[k0 + kk];
        const v128_t a = wasm_v128_load(s), b = wasm_v128_load(s + 4), c = wasm_v128_load(s + 8), d = wasm_v128_load(s + 11);
        wasm_v128_store(panel + kk * NR, wasm_i32x4_shuffle(a, b, 0, 2, 4, 6));
        wasm_v128_store(panel + kk * NR + 4, wasm_i32x4_shuffle(c, d, 0, 2, 5, 7));
      }
    } else {
      for (int kk = 0; kk < kc; kk++) {
        const float *s = src + koff[k0 + kk];
        float *d = panel + kk * NR;
        for (int j = 0; j < NR; j++) d[j] = s[cols[j]];
      }
    }
  }
}

/* Floats of one packed block of B (an int table of NC offsets fits in the same count). */
static int packed_b_size(int K) { return block_depth(K) * ((NC + NR - 1) / NR) * NR; }

/*
 * The zero-padded input a conv reads: rows and columns it touches, as many as
 * (Ho-1)*s + (k-1)*d + 1, with the input at row pt, column pl. Returns 0 when the
 * input itself serves (no padding on any side).
 */
static int padded_extent(int n, int p0, int out, int k, int s, int d) {
  const int touched = (out - 1) * s + (k - 1) * d + 1;
  return max_i(touched, p0 + n);
}

/* out[m][n] += bias[m] for channels [m_begin, m_end) at positions [n_begin, n_end) of N; bias may be 0 (none). */
static void add_bias(const float *bias, float *out, int N, int m_begin, int m_end, int n_begin, int n_end) {
  if (!bias) return;
  for (int m = m_begin; m < m_end; m++) {
    const float b = bias[m];
    float *row = out + m * N;
    for (int n = n_begin; n < n_end; n++) row[n] += b;
  }
}

/* max(x, 0) with NaN kept (PyTorch's ReLU): exact, so four lanes at a time. */
static inline v128_t relu4(v128_t v) {
  const v128_t keep = wasm_v128_or(wasm_f32x4_gt(v, wasm_f32x4_splat(0.0f)), wasm_f32x4_ne(v, v));
  return wasm_v128_and(v, keep);
}
static inline float relu1(float x) { return x > 0.0f || x != x ? x : 0.0f; }

/* x * scale + shift computed in double and rounded to float once (an inference bn), four lanes or one. */
static inline v128_t affine4(v128_t v, v128_t scale, v128_t shift) {
  const v128_t lo = wasm_f64x2_add(wasm_f64x2_mul(wasm_f64x2_promote_low_f32x4(v), scale), shift);
  const v128_t hi = wasm_f64x2_add(wasm_f64x2_mul(wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 0, 1)), scale), shift);
  return wasm_i32x4_shuffle(wasm_f32x4_demote_f64x2_zero(lo), wasm_f32x4_demote_f64x2_zero(hi), 0, 1, 4, 5);
}
static inline float affine1(float x, double scale, double shift) { return (float)((double)x * scale + shift); }

/* y = relu(x) over n values. */
static inline void relu_range(const float *x, float *y, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(y + i, relu4(wasm_v128_load(x + i)));
  for (; i < n; i++) y[i] = relu1(x[i]);
}

/* acc += x over n values: a float sum, exact as JavaScript's double sum rounded back to float. */
static inline void add_range(float *acc, const float *x, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(acc + i, wasm_f32x4_add(wasm_v128_load(acc + i), wasm_v128_load(x + i)));
  for (; i < n; i++) acc[i] += x[i];
}

/* y = affine(x) over n values. */
static inline void affine_range(const float *src, float *dst, int n, double scale, double shift) {
  const v128_t s = wasm_f64x2_splat(scale), b = wasm_f64x2_splat(shift);
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(dst + i, affine4(wasm_v128_load(src + i), s, b));
  for (; i < n; i++) dst[i] = affine1(src[i], scale, shift);
}

/*
 * The epilogue's steps on rows [m_begin, m_end) in one pass over each value, the steps
 * chosen by constant flags so that each combination compiles to its own loop.
 */
static inline __attribute__((always_inline)) void epilogue_rows(float *out, int N, int m_begin, int m_end, int n_begin, int n_end,
                                                                const double *scale, const double *shift, const float *residual,
                                                                const int affine, const int sum, const int rectify) {
  const int n = n_end - n_begin;
  for (int m = m_begin; m < m_end; m++) {
    float *row = out + m * N + n_begin;
    const float *res = sum ? residual + m * N + n_begin : 0;
    const double sc = affine ? scale[m] : 0.0, sh = affine ? shift[m] : 0.0;
    const v128_t s = wasm_f64x2_splat(sc), b = wasm_f64x2_splat(sh);
    int i = 0;
    for (; i + 4 <= n; i += 4) {
      v128_t v = wasm_v128_load(row + i);
      if (affine) v = affine4(v, s, b);
      if (sum) v = wasm_f32x4_add(v, wasm_v128_load(res + i));
      if (rectify) v = relu4(v);
      wasm_v128_store(row + i, v);
    }
    for (; i < n; i++) {
      float x = row[i];
      if (affine) x = affine1(x, sc, sh);
      if (sum) x += res[i];
      if (rectify) x = relu1(x);
      row[i] = x;
    }
  }
}

/*
 * What a conv may apply to its block of output in place of the layers after it, each
 * step by the same arithmetic as that layer's own kernel (the same bits): a per-channel
 * affine (bn; scale 0: none), the addition of a residual of the output's shape (0:
 * none), then max(0, .) when rectify. Applied by the thread that computed the block,
 * while it is in cache, in one pass over it, so no thread does it for the whole output afterwards.
 */
static void epilogue(float *out, int N, int m_begin, int m_end, int n_begin, int n_end, const double *scale,
                     const double *shift, const float *residual, int rectify) {
  const int a = scale != 0, r = residual != 0, z = rectify != 0;
#define EPILOGUE(A, R, Z) epilogue_rows(out, N, m_begin, m_end, n_begin, n_end, scale, shift, residual, A, R, Z)
  if (a && r && z) EPILOGUE(1, 1, 1);
  else if (a && r) EPILOGUE(1, 1, 0);
  else if (a && z) EPILOGUE(1, 0, 1);
  else if (a) EPILOGUE(1, 0, 0);
  else if (r && z) EPILOGUE(0, 1, 1);
  else if (r) EPILOGUE(0, 1, 0);
  else if (z) EPILOGUE(0, 0, 1);
#undef EPILOGUE
}

/*
 * Winograd's minimal filtering (Lavin & Gray 2016) for 3x3 convolutions with stride 1,
 * dilation 1 and one group, in two sizes: F(2x2, 3x3), each 2x2 block of output (a
 * "tile") from a 4x4 patch of input, and F(4x4, 3x3), each 4x4 tile from a 6x6 patch.
 * The convolution becomes P = (tile + 2)^2 independent GEMMs, one per position xi of the
 * transformed patch: P_xi[m][t] = sum_c U_xi[m][c] V_xi[c][t], with U = G g G^T the
 * transformed weights and V = B^T d B the transformed input patches. 16 products per 4
 * outputs instead of 36 (2.25x fewer multiply-adds), or 36 per 16 (4x fewer), at the cost
 * of the transforms (linear in the input and output sizes). F(2x2)'s transforms use 1, -1
 * and 1/2 only; F(4x4)'s use 2, 4, 5 and 8 on the data and fractions of 6 and 24 on the
 * weights (transformed in double, rounded once), so its results carry a few more float32
 * roundings: measured within 1e-5 of the float64 sum relative to the output's scale
 * (tests/engine/pool.test.ts). The size is chosen by shape alone (winograd_tile), so every
 * split of a layer's work and every thread count takes the same path; each output element
 * comes from one tile, computed in one fixed order whichever block of channels or positions
 * a call computes.
 */
#define WINO_TILE_CHUNK NC

/* 2x2 tiles below which the transforms cost more than the saving: measured
 * (2026-12-01, relaxed SIMD) 49.6 -> 66.5 GFLOP/s-equivalent on 64->64 at 56x56 (784
 * tiles), 31.9 -> 60.6 on 128->128 at 28x28 (196); with the planes padded (WINO_PAD,
 * 2026-12-02, one thread, best of 40) 48.2 -> 57.8-68.8 on 256->256 at 14x14 (49 tiles),
 * but 39.6 -> 30.7-32.7 on 512->512 at 7x7 (16 tiles, each transformed weight used 16 times;
 * with the weights transformed once (winograd_prepare) 1.1x the direct conv's speed in
 * ResNet-50's run: 16 MiB of U read for 16 tiles). */
#define WINO_MIN_TILES 49
/* 4x4 tiles from which F(4x4) replaces F(2x2): measured (2026-12-02, relaxed SIMD, ResNet-50's
 * run, weights transformed once, least of 30) 2.47 -> 1.68 ms on 64->64 at 56x56 (196 tiles),
 * 2.55 -> 1.82 on 128->128 at 28x28 (49); at 14x14 (16 tiles covering 16x16) 2.68 -> 2.63 on
 * 256->256, no gain for 2.25x the transformed weights' memory, so F(2x2) stays there. */
#define WINO4_MIN_TILES 49
/* Input channels below which the GEMMs, C deep, are too shallow for the micro-kernel
 * (a tile's accumulators are stored after every C steps) and the direct path, 9C deep,
 * wins: an RGB stem conv stays direct. */
#define WINO_MIN_CHANNELS 16

/*
 * The planes of U, V and the products lie this many floats (a cache line) apart beyond
 * their own size. Without it their strides were powers of two (a 512x512 layer's U planes
 * 1 MiB apart) and the transforms' interleaved streams fell into the same cache sets:
 * transforming 512x512 weights took 11 ms of a 15 ms conv at 7x7, 256x256 2.6 ms at 14x14.
 */
#define WINO_PAD 16
static int u_plane(int rows, int C) { return rows * C + WINO_PAD; }
static int v_plane(int C) { return C * WINO_TILE_CHUNK + WINO_PAD; }
static int prod_plane(int rows) { return rows * WINO_TILE_CHUNK + WINO_PAD; }

/* The side of this shape's Winograd tiles: 4 (F(4x4, 3x3)), 2 (F(2x2, 3x3)), or 0 for the direct path. */
static int winograd_tile(int C, int kh, int kw, int sh, int sw, int dh, int dw, int groups, int Ho, int Wo) {
  if (kh != 3 || kw != 3 || sh != 1 || sw != 1 || dh != 1 || dw != 1 || groups != 1 || C < WINO_MIN_CHANNELS) return 0;
  if (((Ho + 3) / 4) * ((Wo + 3) / 4) >= WINO4_MIN_TILES) return 4;
  return ((Ho + 1) / 2) * ((Wo + 1) / 2) >= WINO_MIN_TILES ? 2 : 0;
}

/* Planes of a tile size: one per position of the transformed (tile + 2)^2 patch. */
static int winograd_planes(int tile) { return (tile + 2) * (tile + 2); }

/* The side of the tiles conv2d computes this shape in (0: none): a split by position then
 * cuts best between whole tile rows of output (a cut through a tile row computes it twice). */
int conv2d_tiled(int C, int kh, int kw, int sh, int sw, int dh, int dw, int groups, int Ho, int Wo) {
  return winograd_tile(C, kh, kw, sh, sw, dh, dw, groups, Ho, Wo);
}

/*
 * F(4x4) reads a row of tiles' patches, one channel at a time, from a strip of six input rows
 * in a zero border, so that four tiles of a row load as five vectors per patch row wherever
 * they lie (read from the input itself, with a padding of 1, half the tiles of a 56-wide row
 * fell to a lane-by-lane path). 4 columns a tile, and room for a row's last group of four
 * to load 32 columns from its first tile.
 */
static int winograd_strip_cols(int Wo) { return 4 * ((Wo + 3) / 4) + 28; }
/* Floats of that strip in scratch: none for F(2x2), which reads the input itself. */
static int winograd_strip_size(int tile, int Wo) { return tile == 4 ? 6 * winograd_strip_cols(Wo) : 0; }

/*
 * Rows of U and of the products a Winograd call holds at once: its output channels, or with
 * `unit_channels` one unit's (a 512-channel layer's U is 16 MiB, one 32-channel unit's 1 MiB).
 */
static int winograd_rows(int m_begin, int m_end, int unit_channels) {
  return unit_channels > 0 ? min_i(m_end - m_begin, unit_channels) : m_end - m_begin;
}

/* With `unit_channels`, the packed blocks of every tile of a Ho x Wo output too; with `prepared` weights, no room for U. */
static int winograd_scratch(int C, int m_begin, int m_end, int Ho, int Wo, int unit_channels, int prepared, int tile) {
  const int planes = winograd_planes(tile), rows = winograd_rows(m_begin, m_end, unit_channels);
  const int th = (Ho + tile - 1) / tile, tw = (Wo + tile - 1) / tile;
  const int chunk_rows = max_i(1, WINO_TILE_CHUNK / tw), chunks = (th + chunk_rows - 1) / chunk_rows, blocks = block_count(C);
  const int all = unit_channels > 0 ? chunks * planes * blocks * packed_b_size(C) : 0;
  return (prepared ? 0 : planes * u_plane(rows, C)) + planes * v_plane(C) + planes * prod_plane(rows) + packed_b_size(C) + C + NC +
         winograd_strip_size(tile, Wo) + all;
}

/* F(2x2)'s U_xi[r][c] for rows [0, rows) of w [M][C][3][3] from row m0: G g G^T, G = [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1]. */
static void winograd_weights2(const float *w, int C, int m0, int rows, float *u) {
  const int plane = u_plane(rows, C);
  for (int r = 0; r < rows; r++) {
    for (int c = 0; c < C; c++) {
      const float *g = w + ((m0 + r) * C + c) * 9;
      float s[4][3];
      for (int j = 0; j < 3; j++) {
        s[0][j] = g[j];
        s[1][j] = 0.5f * (g[j] + g[3 + j] + g[6 + j]);
        s[2][j] = 0.5f * (g[j] - g[3 + j] + g[6 + j]);
        s[3][j] = g[6 + j];
      }
      float *dst = u + r * C + c;
      for (int i = 0; i < 4; i++) {
        dst[(i * 4 + 0) * plane] = s[i][0];
        dst[(i * 4 + 1) * plane] = 0.5f * (s[i][0] + s[i][1] + s[i][2]);
        dst[(i * 4 + 2) * plane] = 0.5f * (s[i][0] - s[i][1] + s[i][2]);
        dst[(i * 4 + 3) * plane] = s[i][2];
      }
    }
  }
}

/* F(4x4)'s G: rows 1/4 (1, 0, 0); -1/6 (1, 1, 1); -1/6 (1, -1, 1); 1/24 (1, 2, 4); 1/24 (1, -2, 4); (0, 0, 1). */
static void winograd_g4(double a, double b, double c, double s[6]) {
  s[0] = a / 4;
  s[1] = -(a + b + c) / 6;
  s[2] = -(a - b + c) / 6;
  s[3] = (a + 2 * b + 4 * c) / 24;
  s[4] = (a - 2 * b + 4 * c) / 24;
  s[5] = c;
}

/* F(4x4)'s U_xi[r][c], xi = 6i + j: G g G^T in double, rounded once to float. */
static void winograd_weights4(const float *w, int C, int m0, int rows, float *u) {
  const int plane = u_plane(rows, C);
  for (int r = 0; r < rows; r++) {
    for (int c = 0; c < C; c++) {
      const float *g = w + ((m0 + r) * C + c) * 9;
      double s[3][6], t[6];
      for (int j = 0; j < 3; j++) winograd_g4(g[j], g[3 + j], g[6 + j], s[j]);
      float *dst = u + r * C + c;
      for (int i = 0; i < 6; i++) {
        winograd_g4(s[0][i], s[1][i], s[2][i], t);
        for (int j = 0; j < 6; j++) dst[(i * 6 + j) * plane] = (float)t[j];
      }
    }
  }
}

static void winograd_weights(const float *w, int C, int m0, int rows, float *u, int tile) {
  if (tile == 4) winograd_weights4(w, C, m0, rows, u);
  else winograd_weights2(w, C, m0, rows, u);
}

/* Floats of the transformed weights of a whole 3x3 layer in tiles of `tile`, M rows over C channels (winograd_prepare). */
int winograd_prepared_size(int C, int M, int tile) { return winograd_planes(tile) * u_plane(M, C); }

/*
 * U for all M rows of w [M][C][3][3] in tiles of `tile`, as conv2d_winograd reads it when
 * given `prepared`: a model's weights held across runs are transformed once, not in every
 * call. The same arithmetic as the call's own transform, so the bits do not change.
 */
void winograd_prepare(const float *w, int C, int M, int tile, float *u) { winograd_weights(w, C, 0, M, u, tile); }

/* B^T d B of one 4x4 patch per lane (four tiles at once), stored at dst + xi * plane for xi = 0..15. */
static inline void winograd_input4(v128_t d[4][4], float *dst, int plane) {
  v128_t t[4][4];
  for (int k = 0; k < 4; k++) {
    t[0][k] = wasm_f32x4_sub(d[0][k], d[2][k]);
    t[1][k] = wasm_f32x4_add(d[1][k], d[2][k]);
    t[2][k] = wasm_f32x4_sub(d[2][k], d[1][k]);
    t[3][k] = wasm_f32x4_sub(d[1][k], d[3][k]);
  }
  for (int i = 0; i < 4; i++) {
    wasm_v128_store(dst + (i * 4 + 0) * plane, wasm_f32x4_sub(t[i][0], t[i][2]));
    wasm_v128_store(dst + (i * 4 + 1) * plane, wasm_f32x4_add(t[i][1], t[i][2]));
    wasm_v128_store(dst + (i * 4 + 2) * plane, wasm_f32x4_sub(t[i][2], t[i][1]));
    wasm_v128_store(dst + (i * 4 + 3) * plane, wasm_f32x4_sub(t[i][1], t[i][3]));
  }
}

/*
 * F(2x2)'s V_xi[c][j] for tiles [t0, t0+nt): B^T d B of each tile's 4x4 input patch (zero
 * outside the input), B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]. Four tiles of
 * one row at a time, one per SIMD lane, where their patches lie inside the input; the
 * others one by one through the same arithmetic (lane by lane it is identical).
 */
static void winograd_input2(const float *in, int C, int H, int W, int pt, int pl, int tw, int t0, int nt, float *v) {
  const int plane = v_plane(C);
  for (int j = 0; j < nt;) {
    const int ty = (t0 + j) / tw, tx = (t0 + j) - ty * tw;
    const int y0 = 2 * ty - pt, x0 = 2 * tx - pl;
    /* Four tiles x0, x0+2, x0+4, x0+6 read columns x0..x0+9; the loads read x0..x0+11. */
    if (j + 4 <= nt && tx + 4 <= tw && y0 >= 0 && x0 >= 0 && y0 + 4 <= H && x0 + 12 <= W) {
      for (int c = 0; c < C; c++) {
        const float *src = in + (c * H + y0) * W + x0;
        v128_t d[4][4];
        for (int i = 0; i < 4; i++) {
          const v128_t a = wasm_v128_load(src + i * W), b = wasm_v128_load(src + i * W + 4), e = wasm_v128_load(src + i * W + 8);
          d[i][0] = wasm_i32x4_shuffle(a, b, 0, 2, 4, 6);
          d[i][1] = wasm_i32x4_shuffle(a, b, 1, 3, 5, 7);
          const v128_t be = wasm_i32x4_shuffle(b, e, 0, 2, 4, 6), bo = wasm_i32x4_shuffle(b, e, 1, 3, 5, 7);
          d[i][2] = wasm_i32x4_shuffle(d[i][0], be, 1, 2, 3, 6);
          d[i][3] = wasm_i32x4_shuffle(d[i][1], bo, 1, 2, 3, 6);
        }
        winograd_input4(d, v + c * WINO_TILE_CHUNK + j, plane);
      }
      j += 4;
      continue;
    }
    for (int c = 0; c < C; c++) {
      const float *src = in + c * H * W;
      float d[4][4];
      for (int i = 0; i < 4; i++)
        for (int k = 0; k < 4; k++) {
          const int y = y0 + i, x = x0 + k;
          d[i][k] = (unsigned)y < (unsigned)H && (unsigned)x < (unsigned)W ? src[y * W + x] : 0.0f;
        }
      float t[4][4];
      for (int k = 0; k < 4; k++) {
        t[0][k] = d[0][k] - d[2][k];
        t[1][k] = d[1][k] + d[2][k];
        t[2][k] = d[2][k] - d[1][k];
        t[3][k] = d[1][k] - d[3][k];
      }
      float *dst = v + c * WINO_TILE_CHUNK + j;
      for (int i = 0; i < 4; i++) {
        dst[(i * 4 + 0) * plane] = t[i][0] - t[i][2];
        dst[(i * 4 + 1) * plane] = t[i][1] + t[i][2];
        dst[(i * 4 + 2) * plane] = t[i][2] - t[i][1];
        dst[(i * 4 + 3) * plane] = t[i][1] - t[i][3];
      }
    }
    j++;
  }
}

/* F(4x4)'s B^T = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0; 0 -2 -1 2 1 0; 0 2 -1 -2 1 0; 0 4 0 -5 0 1] times d. */
static inline void winograd_bt6(const v128_t d[6], v128_t t[6]) {
  const v128_t two = wasm_f32x4_splat(2.0f), four = wasm_f32x4_splat(4.0f);
  const v128_t a = wasm_f32x4_sub(d[4], wasm_f32x4_mul(four, d[2])), b = wasm_f32x4_sub(d[3], wasm_f32x4_mul(four, d[1]));
  const v128_t c = wasm_f32x4_sub(d[4], d[2]), e = wasm_f32x4_mul(two, wasm_f32x4_sub(d[3], d[1]));
  t[0] = wasm_f32x4_add(wasm_f32x4_mul(four, wasm_f32x4_sub(d[0], d[2])), c);
  t[1] = wasm_f32x4_add(a, b);
  t[2] = wasm_f32x4_sub(a, b);
  t[3] = wasm_f32x4_add(c, e);
  t[4] = wasm_f32x4_sub(c, e);
  t[5] = wasm_f32x4_add(wasm_f32x4_mul(four, wasm_f32x4_sub(d[1], d[3])), wasm_f32x4_sub(d[5], d[3]));
}

/* Transposes four vectors in place: lane l of a[k] becomes lane k of a[l]. */
static inline void transpose4(v128_t a[4]) {
  const v128_t t0 = wasm_i32x4_shuffle(a[0], a[1], 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(a[2], a[3], 0, 4, 1, 5);
  const v128_t t2 = wasm_i32x4_shuffle(a[0], a[1], 2, 6, 3, 7), t3 = wasm_i32x4_shuffle(a[2], a[3], 2, 6, 3, 7);
  a[0] = wasm_i32x4_shuffle(t0, t1, 0, 1, 4, 5);
  a[1] = wasm_i32x4_shuffle(t0, t1, 2, 3, 6, 7);
  a[2] = wasm_i32x4_shuffle(t2, t3, 0, 1, 4, 5);
  a[3] = wasm_i32x4_shuffle(t2, t3, 2, 3, 6, 7);
}

/* Stores the first n lanes of x at dst[0], dst[step], ... (all four as one vector when n is 4 and step 1). */
static inline void store_lanes(float *dst, v128_t x, int n) {
  if (n == 4) {
    wasm_v128_store(dst, x);
    return;
  }
  float lanes[4];
  wasm_v128_store(lanes, x);
  for (int l = 0; l < n; l++) dst[l] = lanes[l];
}

/*
 * F(4x4)'s V_xi[c][j] for tiles [t0, t0+nt), xi = 6i + j: B^T d B of each tile's 6x6
 * input patch (zero outside the input), row of tiles by row and channel by channel through
 * `strip` (winograd_strip_cols). Up to four tiles of one row at a time, one per lane: each
 * patch row is five loads (columns 4tx..4tx+19) and a transpose; a group of fewer than four
 * (a row's end) computes four and stores its own lanes.
 */
static void winograd_input4x4(const float *in, int C, int H, int W, int pt, int pl, int tw, int t0, int nt, float *v, float *strip) {
  const int plane = v_plane(C), sw = winograd_strip_cols(4 * tw);
  for (int j0 = 0; j0 < nt;) {
    const int ty = (t0 + j0) / tw, tx0 = (t0 + j0) - ty * tw, row_tiles = min_i(nt - j0, tw - tx0);
    /* Strip columns [x0, x1) hold input columns x0 - pl.. of this row of tiles' patches, whole groups of four. */
    const int x0 = 4 * tx0, x1 = 4 * (tx0 + (row_tiles + 3) / 4 * 4) + 16;
    const int from = min_i(x1, max_i(x0, pl)), to = max_i(from, min_i(x1, pl + W));
    for (int c = 0; c < C; c++) {
      for (int i = 0; i < 6; i++) {
        float *row = strip + i * sw;
        const int y = 4 * ty + i - pt;
        if (y < 0 || y >= H) {
          for (int x = x0; x < x1; x++) row[x] = 0.0f;
          continue;
        }
        const float *irow = in + (c * H + y) * W - pl;
        for (int x = x0; x < from; x++) row[x] = 0.0f;
        for (int x = from; x < to; x++) row[x] = irow[x];
        for (int x = to; x < x1; x++) row[x] = 0.0f;
      }
      for (int j = j0; j < j0 + row_tiles; j += 4) {
        const int lanes = min_i(4, j0 + row_tiles - j);
        const float *src = strip + 4 * (tx0 + j - j0);
        v128_t d[6][6], t[6][6];
        for (int i = 0; i < 6; i++) {
          const float *row = src + i * sw;
          v128_t a[4] = {wasm_v128_load(row), wasm_v128_load(row + 4), wasm_v128_load(row + 8), wasm_v128_load(row + 12)};
          const v128_t e = wasm_v128_load(row + 16);
          transpose4(a);
          for (int k = 0; k < 4; k++) d[i][k] = a[k];
          d[i][4] = wasm_i32x4_shuffle(a[0], e, 1, 2, 3, 4);
          d[i][5] = wasm_i32x4_shuffle(a[1], e, 1, 2, 3, 5);
        }
        for (int k = 0; k < 6; k++) {
          v128_t col[6], out[6];
          for (int i = 0; i < 6; i++) col[i] = d[i][k];
          winograd_bt6(col, out);
          for (int i = 0; i < 6; i++) t[i][k] = out[i];
        }
        float *dst = v + c * WINO_TILE_CHUNK + j;
        for (int i = 0; i < 6; i++) {
          v128_t out[6];
          winograd_bt6(t[i], out);
          for (int k = 0; k < 6; k++) store_lanes(dst + (i * 6 + k) * plane, out[k], lanes);
        }
      }
    }
    j0 += row_tiles;
  }
}

static void winograd_input(const float *in, int C, int H, int W, int pt, int pl, int tw, int t0, int nt, float *v, int tile,
                           float *strip) {
  if (tile == 4) winograd_input4x4(in, C, H, W, pt, pl, tw, t0, nt, v, strip);
  else winograd_input2(in, C, H, W, pt, pl, tw, t0, nt, v);
}

/*
 * F(2x2)'s Y = A^T P A, A^T = [1 1 1 0; 0 1 -1 -1], for tiles [t0, t0+nt) of `rows` channels,
 * written into out [rows][Ho][Wo] where the position is in [n_begin, n_end). Four
 * tiles of one row at a time where all their outputs are wanted, else one by one
 * (lane by lane the same arithmetic).
 */
static void winograd_output2(const float *prod, int rows, float *out, int Ho, int Wo, int tw, int t0, int nt, int n_begin,
                             int n_end) {
  const int plane = prod_plane(rows);
  for (int r = 0; r < rows; r++) {
    float *orow = out + r * Ho * Wo;
    for (int j = 0; j < nt;) {
      const int ty = (t0 + j) / tw, tx = (t0 + j) - ty * tw;
      const int n = 2 * ty * Wo + 2 * tx;
      if (j + 4 <= nt && 2 * (tx + 4) <= Wo && 2 * ty + 2 <= Ho && n >= n_begin && n + Wo + 8 <= n_end) {
        const float *p = prod + r * WINO_TILE_CHUNK + j;
        v128_t q[2][4];
        for (int k = 0; k < 4; k++) {
          const v128_t p0 = wasm_v128_load(p + k * plane), p1 = wasm_v128_load(p + (4 + k) * plane);
          const v128_t p2 = wasm_v128_load(p + (8 + k) * plane), p3 = wasm_v128_load(p + (12 + k) * plane);
          q[0][k] = wasm_f32x4_add(wasm_f32x4_add(p0, p1), p2);
          q[1][k] = wasm_f32x4_sub(wasm_f32x4_sub(p1, p2), p3);
        }
        for (int i = 0; i < 2; i++) {
          const v128_t y0 = wasm_f32x4_add(wasm_f32x4_add(q[i][0], q[i][1]), q[i][2]);
          const v128_t y1 = wasm_f32x4_sub(wasm_f32x4_sub(q[i][1], q[i][2]), q[i][3]);
          float *o = orow + n + i * Wo;
          wasm_v128_store(o, wasm_i32x4_shuffle(y0, y1, 0, 4, 1, 5));
          wasm_v128_store(o + 4, wasm_i32x4_shuffle(y0, y1, 2, 6, 3, 7));
        }
        j += 4;
        continue;
      }
      const float *p = prod + r * WINO_TILE_CHUNK + j;
      float q[2][4];
      for (int k = 0; k < 4; k++) {
        const float p0 = p[k * plane], p1 = p[(4 + k) * plane], p2 = p[(8 + k) * plane], p3 = p[(12 + k) * plane];
        q[0][k] = (p0 + p1) + p2;
        q[1][k] = (p1 - p2) - p3;
      }
      for (int i = 0; i < 2 && 2 * ty + i < Ho; i++) {
        const float y0 = (q[i][0] + q[i][1]) + q[i][2], y1 = (q[i][1] - q[i][2]) - q[i][3];
        const int at = n + i * Wo;
        if (at >= n_begin && at < n_end) orow[at] = y0;
        if (2 * tx + 1 < Wo && at + 1 >= n_begin && at + 1 < n_end) orow[at + 1] = y1;
      }
      j++;
    }
  }
}

/* F(4x4)'s A^T = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1] times m. */
static inline void winograd_at6(const v128_t m[6], v128_t y[4]) {
  const v128_t p = wasm_f32x4_add(m[1], m[2]), q = wasm_f32x4_sub(m[1], m[2]);
  const v128_t r = wasm_f32x4_add(m[3], m[4]), s = wasm_f32x4_sub(m[3], m[4]);
  y[0] = wasm_f32x4_add(wasm_f32x4_add(m[0], p), r);
  y[1] = wasm_f32x4_add(q, wasm_f32x4_mul(wasm_f32x4_splat(2.0f), s));
  y[2] = wasm_f32x4_add(p, wasm_f32x4_mul(wasm_f32x4_splat(4.0f), r));
  y[3] = wasm_f32x4_add(wasm_f32x4_add(q, wasm_f32x4_mul(wasm_f32x4_splat(8.0f), s)), m[5]);
}

/*
 * F(4x4)'s Y = A^T P A for tiles [t0, t0+nt) of `rows` channels, written into out
 * [rows][Ho][Wo] where the position is in [n_begin, n_end). Up to four tiles of one row
 * at a time, one per lane; stored four rows of 16 outputs at once where all are wanted,
 * else output by output.
 */
static void winograd_output4x4(const float *prod, int rows, float *out, int Ho, int Wo, int tw, int t0, int nt, int n_begin,
                               int n_end) {
  const int plane = prod_plane(rows);
  for (int r = 0; r < rows; r++) {
    float *orow = out + r * Ho * Wo;
    for (int j = 0; j < nt;) {
      const int ty = (t0 + j) / tw, tx = (t0 + j) - ty * tw, lanes = min_i(4, min_i(nt - j, tw - tx));
      const int n = 4 * ty * Wo + 4 * tx;
      const float *p = prod + r * WINO_TILE_CHUNK + j;
      v128_t q[4][6], y[4][4];
      for (int k = 0; k < 6; k++) {
        v128_t col[6], o[4];
        for (int i = 0; i < 6; i++) col[i] = wasm_v128_load(p + (i * 6 + k) * plane);
        winograd_at6(col, o);
        for (int i = 0; i < 4; i++) q[i][k] = o[i];
      }
      for (int i = 0; i < 4; i++) {
        winograd_at6(q[i], y[i]);
        transpose4(y[i]);
      }
      if (lanes == 4 && 4 * (tx + 4) <= Wo && 4 * ty + 4 <= Ho && n >= n_begin && n + 3 * Wo + 16 <= n_end) {
        for (int i = 0; i < 4; i++)
          for (int l = 0; l < 4; l++) wasm_v128_store(orow + n + i * Wo + 4 * l, y[i][l]);
      } else {
        for (int i = 0; i < 4 && 4 * ty + i < Ho; i++) {
          for (int l = 0; l < lanes; l++) {
            float o[4];
            wasm_v128_store(o, y[i][l]);
            for (int k = 0; k < 4 && 4 * (tx + l) + k < Wo; k++) {
              const int at = n + i * Wo + 4 * l + k;
              if (at >= n_begin && at < n_end) orow[at] = o[k];
            }
          }
        }
      }
      j += lanes;
    }
  }
}

static void winograd_output(const float *prod, int rows, float *out, int Ho, int Wo, int tw, int t0, int nt, int n_begin,
                            int n_end, int tile) {
  if (tile == 4) winograd_output4x4(prod, rows, out, Ho, Wo, tw, t0, nt, n_begin, n_end);
  else winograd_output2(prod, rows, out, Ho, Wo, tw, t0, nt, n_begin, n_end);
}

/*
 * Unit i of a claimed range [0, extent): guided self-scheduling over `threads` threads.
 * Each unit takes 1/(2 threads) of what is left, rounded up to `granule` and kept within
 * [least, most]: the first units take `most`, the last shrink to `least`, so the thread
 * done first waits for a small unit of the other's, not a large one (ResNet-50's 14x14
 * convs in 32-channel units: the worker ended 0.5-0.7 ms after the calling thread, call
 * after call). The bounds depend on i alone, and every element is summed in one order
 * whichever unit holds it, so the bits do not depend on the sizes either.
 */
static int unit_bounds(int i, int extent, int threads, int least, int most, int granule, int *begin, int *end) {
  int b = 0, size = 0;
  for (int j = 0; j <= i; j++) {
    b += size;
    if (b >= extent) return 0;
    size = (extent - b + 2 * threads - 1) / (2 * threads);
    size = min_i(most, max_i(least, (size + granule - 1) / granule * granule));
  }
  *begin = b;
  *end = min_i(extent, b + size);
  return 1;
}

/*
 * The next unit [*begin, *end) of [0, extent) for this thread to compute: claimed from
 * `claims` (claims[0] a counter every thread of one call claims from, zeroed by the
 * caller; claims[1] how many threads claim) so that whichever thread is free takes it,
 * in units that shrink towards the end (unit_bounds); without claims, the units of
 * `most` in order. A thread a core was taken from then holds up one unit, not its whole
 * share; each output element is still computed by one unit in one order, so the bits
 * do not depend on who took which.
 */
static int next_unit(int *claims, int *next, int extent, int least, int most, int granule, int *begin, int *end) {
  if (claims) return unit_bounds(__atomic_fetch_add(claims, 1, __ATOMIC_RELAXED), extent, max_i(1, claims[1]), least, most, granule, begin, end);
  *begin = (*next)++ * most;
  *end = min_i(extent, *begin + most);
  return *begin < extent;
}

/* Output rows of a claimed unit of Winograd's output: two tile rows of F(2x2), one of F(4x4), 56 or 14 tiles at 56x56: small enough to share, large enough to reuse U. */
#define WINO_UNIT_OUTPUT_ROWS 4
/* The smallest claimed units: two micro-kernel tiles of channels, four panels of positions. */
#define LEAST_UNIT_CHANNELS (2 * MR)
#define LEAST_UNIT_POSITIONS (4 * NR)

/*
 * Output channels [m_begin, m_end) of M at positions [n_begin, n_end) in Winograd tiles of
 * `tile`, from the layer's transformed weights when `prepared` (winograd_prepare), else
 * transforming the rows it computes; bias is added by the caller.
 */
static void conv2d_winograd(const float *in, int C, int H, int W, const float *w, const float *prepared, int M, const float *bias,
                            float *out, int pt, int pl, int Ho, int Wo, int m_begin, int m_end, int n_begin, int n_end,
                            float *scratch, const double *scale, const double *shift, const float *residual, int rectify,
                            int *claims, int unit_channels, int tile) {
  const int planes = winograd_planes(tile);
  const int rows = m_end - m_begin, held = winograd_rows(m_begin, m_end, unit_channels), tw = (Wo + tile - 1) / tile, kcb = block_depth(C);
  float *u = scratch;
  float *v = prepared ? scratch : u + planes * u_plane(held, C);
  float *prod = v + planes * v_plane(C);
  float *bp = prod + planes * prod_plane(held);
  int *koff = (int *)(bp + packed_b_size(C));
  int *noff = koff + C;
  float *strip = (float *)(noff + NC);
  /* The tile rows covering positions [n_begin, n_end), a unit of WINO_UNIT_OUTPUT_ROWS at a time. */
  const int row_begin = (n_begin / Wo) / tile, row_end = (n_end - 1) / Wo / tile + 1;
  const int chunk_rows = max_i(1, WINO_TILE_CHUNK / tw);
  if (unit_channels > 0) {
    /*
     * Units of unit_channels output channels at every position: each thread transforms and
     * packs the input's tiles once, chunk by chunk, and each unit transforms only its own
     * channels' weights. The sums run as in the other paths, so the bits are theirs.
     */
    const int blocks = block_count(C), block = packed_b_size(C);
    float *all = strip + winograd_strip_size(tile, Wo);
    int packed_all = 0;
    for (int next = 0, u0, u1; next_unit(claims, &next, rows, LEAST_UNIT_CHANNELS, unit_channels, MR, &u0, &u1);) {
      const int m0 = m_begin + u0, urows = u1 - u0;
      if (!packed_all) {
        for (int k = 0; k < C; k++) koff[k] = k * WINO_TILE_CHUNK;
        float *packed = all;
        for (int r0 = row_begin; r0 < row_end; r0 += chunk_rows) {
          const int t0 = r0 * tw, nt = min_i(row_end, r0 + chunk_rows) * tw - t0;
          winograd_input(in, C, H, W, pt, pl, tw, t0, nt, v, tile, strip);
          for (int i = 0; i < nt; i++) noff[i] = i;
          for (int xi = 0; xi < planes; xi++) {
            for (int b = 0; b < blocks; b++, packed += block) pack_b(v + xi * v_plane(C), koff, noff, b * kcb, min_i(kcb, C - b * kcb), nt, packed);
          }
        }
        packed_all = 1;
      }
      /* This unit's rows of U: in the prepared planes, or transformed now. */
      const float *uu = prepared ? prepared + m0 * C : u;
      const int uplane = prepared ? u_plane(M, C) : u_plane(urows, C);
      if (!prepared) winograd_weights(w, C, m0, urows, u, tile);
      const float *packed = all;
      for (int r0 = row_begin; r0 < row_end; r0 += chunk_rows) {
        const int t0 = r0 * tw, nt = min_i(row_end, r0 + chunk_rows) * tw - t0;
        for (int xi = 0; xi < planes; xi++) {
          for (int b = 0; b < blocks; b++, packed += block) {
            gemm_block(urows, uu + xi * uplane, MR * C, C, 1, b * kcb, min_i(kcb, C - b * kcb), packed, nt,
                       prod + xi * prod_plane(urows), WINO_TILE_CHUNK, b > 0);
          }
        }
        winograd_output(prod, urows, out + m0 * Ho * Wo, Ho, Wo, tw, t0, nt, n_begin, n_end, tile);
      }
      add_bias(bias, out, Ho * Wo, m0, m0 + urows, n_begin, n_end);
      epilogue(out, Ho * Wo, m0, m0 + urows, n_begin, n_end, scale, shift, residual, rectify);
    }
    return;
  }
  const int unit_rows = claims ? max_i(1, WINO_UNIT_OUTPUT_ROWS / tile) : chunk_rows;
  const float *uu = prepared ? prepared + m_begin * C : u;
  const int uplane = prepared ? u_plane(M, C) : u_plane(rows, C);
  int ready = 0;
  for (int next = 0, u0, u1; next_unit(claims, &next, row_end - row_begin, 1, unit_rows, 1, &u0, &u1);) {
    const int r0 = row_begin + u0, r1 = row_begin + u1;
    if (!ready) {
      if (!prepared) winograd_weights(w, C, m_begin, rows, u, tile);
      for (int k = 0; k < C; k++) koff[k] = k * WINO_TILE_CHUNK;
      ready = 1;
    }
    for (int t0 = r0 * tw; t0 < r1 * tw; t0 += WINO_TILE_CHUNK) {
      const int nt = min_i(WINO_TILE_CHUNK, r1 * tw - t0);
      winograd_input(in, C, H, W, pt, pl, tw, t0, nt, v, tile, strip);
      for (int i = 0; i < nt; i++) noff[i] = i;
      for (int xi = 0; xi < planes; xi++) {
        const float *vx = v + xi * v_plane(C);
        float *px = prod + xi * prod_plane(rows);
        for (int k0 = 0; k0 < C; k0 += kcb) {
          const int kc = min_i(kcb, C - k0);
          pack_b(vx, koff, noff, k0, kc, nt, bp);
          gemm_block(rows, uu + xi * uplane, MR * C, C, 1, k0, kc, bp, nt, px, WINO_TILE_CHUNK, k0 > 0);
        }
      }
      winograd_output(prod, rows, out + m_begin * Ho * Wo, Ho, Wo, tw, t0, nt, n_begin, n_end, tile);
    }
    const int lo = max_i(n_begin, tile * r0 * Wo), hi = min_i(n_end, tile * r1 * Wo);
    add_bias(bias, out, Ho * Wo, m_begin, m_end, lo, hi);
    epilogue(out, Ho * Wo, m_begin, m_end, lo, hi, scale, shift, residual, rectify);
  }
}

/* Floats of B's packed blocks for every position in [0, N): each NC-wide chunk, each block of K. */
static int packed_b_all_size(int K, int N) { return (N + NC - 1) / NC * block_count(K) * packed_b_size(K); }

/* Floats of a direct conv's zero-padded copy of its input (padded_extent), 0 when the input itself serves. */
static int padded_size(int C, int H, int W, int Hp, int Wp) { return Hp != H || Wp != W ? C * Hp * Wp : 0; }

/*
 * Floats of scratch space conv2d needs for output channels [m_begin, m_end): their
 * packed weights (a slice spanning several groups needs no more than its own rows),
 * one packed block of B, the offset tables and, when there is padding, the padded input;
 * with `unit_channels` (a call claiming units of channels), B's packed blocks for every position;
 * `prepared`: the call reads a Winograd layer's transformed weights (winograd_prepare).
 */
int conv2d_scratch(int C, int H, int W, int kh, int kw, int sh, int sw, int pt, int pl, int dh, int dw, int groups,
                   int Ho, int Wo, int m_begin, int m_end, int unit_channels, int prepared) {
  const int K = C / groups * kh * kw;
  const int Hp = padded_extent(H, pt, Ho, kh, sh, dh), Wp = padded_extent(W, pl, Wo, kw, sw, dw);
  const int tile = winograd_tile(C, kh, kw, sh, sw, dh, dw, groups, Ho, Wo);
  if (tile) return winograd_scratch(C, m_begin, m_end, Ho, Wo, unit_channels, prepared, tile);
  return packed_b_size(K) + K + NC + padded_size(C, H, W, Hp, Wp) + (unit_channels > 0 ? packed_b_all_size(K, Ho * Wo) : 0);
}

/* Zero-pads in [C][H][W] into [C][Hp][Wp], the input at row pt and column pl. */
static void pad_input(const float *in, int C, int H, int W, int pt, int pl, int Hp, int Wp, float *padded) {
  for (int c = 0; c < C; c++) {
    for (int y = 0; y < Hp; y++) {
      float *row = padded + (c * Hp + y) * Wp;
      const int iy = y - pt;
      if (iy < 0 || iy >= H) {
        for (int x = 0; x < Wp; x++) row[x] = 0.0f;
        continue;
      }
      const float *irow = in + (c * H + iy) * W;
      const int copy = min_i(W, Wp - pl);
      for (int x = 0; x < pl; x++) row[x] = 0.0f;
      for (int x = 0; x < copy; x++) row[pl + x] = irow[x];
      for (int x = pl + copy; x < Wp; x++) row[x] = 0.0f;
    }
  }
}

/*
 * A direct conv's im2col source: the input, or a copy of it in a zero border (`padded`)
 * when the conv pads, which makes every im2col read unconditional; and each of the K
 * rows' offsets in it (`koff`).
 */
static const float *direct_source(const float *in, int C, int H, int W, int kh, int kw, int dh, int dw, int pt,
                                  int pl, int Hp, int Wp, int K, int *koff, float *padded) {
  const float *src = in;
  if (Hp != H || Wp != W) {
    pad_input(in, C, H, W, pt, pl, Hp, Wp, padded);
    src = padded;
  }
  for (int k = 0; k < K; k++) {
    const int ci = k / (kh * kw), r = k - ci * kh * kw, ky = r / kw, kx = r - ky * kw;
    koff[k] = (ci * Hp + ky * dh) * Wp + kx * dw;
  }
  return src;
}

/* The source offsets of output positions [n0, n0 + nc) (row-major over Wo columns). */
static void position_offsets(int n0, int nc, int Wo, int sh, int sw, int Wp, int *noff) {
  int oy = n0 / Wo, ox = n0 - oy * Wo;
  for (int i = 0; i < nc; i++) {
    noff[i] = oy * sh * Wp + ox * sw;
    if (++ox == Wo) {
      ox = 0;
      oy++;
    }
  }
}

/*
 * 2-D convolution (PyTorch's cross-correlation) of in [C][H][W] with w
 * [M][C/groups][kh][kw] into out [M][Ho][Wo], computing output channels
 * [m_begin, m_end) at output positions [n_begin, n_end) (row-major over Ho x Wo)
 * only: the worker pool splits channels when there are many and positions when
 * there are few, so no thread repeats another's packing. With `claims` (else 0), the
 * output is computed a unit at a time, each claimed by whichever thread of the call is
 * free (next_unit): up to NC positions or four output rows of Winograd tiles (conv2d_units), or
 * with `unit_channels` (one group) up to that many channels at every position, each
 * thread packing B once for all its units. Padding is top pt / left pl; bottom and right
 * padding are implied by Ho and Wo (positions outside the input read 0). bias may be 0 (none);
 * `transformed` (else 0): a Winograd layer's weights transformed once (winograd_prepare).
 */
void conv2d(const float *in, int C, int H, int W, const float *w, const float *bias, float *out, int M, int kh,
            int kw, int sh, int sw, int pt, int pl, int dh, int dw, int groups, int Ho, int Wo, int m_begin,
            int m_end, int n_begin, int n_end, float *scratch, const double *scale, const double *shift,
            const float *residual, int rectify, int *claims, int unit_channels, const float *transformed) {
  const int tile = winograd_tile(C, kh, kw, sh, sw, dh, dw, groups, Ho, Wo);
  if (tile) {
    conv2d_winograd(in, C, H, W, w, transformed, M, bias, out, pt, pl, Ho, Wo, m_begin, m_end, n_begin, n_end, scratch, scale,
                    shift, residual, rectify, claims, unit_channels, tile);
    return;
  }
  const int Cg = C / groups, Mg = M / groups;
  const int K = Cg * kh * kw, N = Ho * Wo, kcb = block_depth(K);
  const int Hp = padded_extent(H, pt, Ho, kh, sh, dh), Wp = padded_extent(W, pl, Wo, kw, sw, dw);
  float *bp = scratch;
  int *koff = (int *)(bp + packed_b_size(K));
  int *noff = koff + K;
  float *padded = (float *)(noff + NC);
  const float *src = in;
  int prepared = 0;
  if (claims && unit_channels > 0 && groups == 1) {
    /* Units of unit_channels channels: B packed once per thread, block by block, in the order the sum takes them. */
    const int blocks = block_count(K), block = packed_b_size(K);
    float *all = padded + padded_size(C, H, W, Hp, Wp);
    for (int next = 0, u0, u1; next_unit(claims, &next, m_end - m_begin, LEAST_UNIT_CHANNELS, unit_channels, MR, &u0, &u1);) {
      const int m0 = m_begin + u0, m1 = m_begin + u1;
      if (!prepared) {
        src = direct_source(in, C, H, W, kh, kw, dh, dw, pt, pl, Hp, Wp, K, koff, padded);
        for (int n0 = n_begin, c = 0; n0 < n_end; n0 += NC, c++) {
          const int nc = min_i(NC, n_end - n0);
          position_offsets(n0, nc, Wo, sh, sw, Wp, noff);
          for (int b = 0; b < blocks; b++) pack_b(src, koff, noff, b * kcb, min_i(kcb, K - b * kcb), nc, all + (c * blocks + b) * block);
        }
        prepared = 1;
      }
      for (int n0 = n_begin, c = 0; n0 < n_end; n0 += NC, c++) {
        const int nc = min_i(NC, n_end - n0);
        for (int b = 0; b < blocks; b++) {
          gemm_block(m1 - m0, w + m0 * K, MR * K, K, 1, b * kcb, min_i(kcb, K - b * kcb), all + (c * blocks + b) * block, nc,
                     out + m0 * N + n0, N, b > 0);
        }
      }
      add_bias(bias, out, N, m0, m1, n_begin, n_end);
      epilogue(out, N, m0, m1, n_begin, n_end, scale, shift, residual, rectify);
    }
    return;
  }
  /* Units of NC positions, each through every group's channels in [m_begin, m_end). */
  for (int next = 0, u0, u1; next_unit(claims, &next, n_end - n_begin, LEAST_UNIT_POSITIONS, NC, NR, &u0, &u1);) {
    const int n0 = n_begin + u0, nc = u1 - u0;
    if (!prepared) {
      src = direct_source(in, C, H, W, kh, kw, dh, dw, pt, pl, Hp, Wp, K, koff, padded);
      prepared = 1;
    }
    position_offsets(n0, nc, Wo, sh, sw, Wp, noff);
    for (int g = 0; g < groups; g++) {
      const int m0 = max_i(g * Mg, m_begin), m1 = min_i((g + 1) * Mg, m_end);
      if (m0 >= m1) continue;
      const float *gsrc = src + g * Cg * Hp * Wp;
      for (int k0 = 0; k0 < K; k0 += kcb) {
        const int kc = min_i(kcb, K - k0);
        pack_b(gsrc, koff, noff, k0, kc, nc, bp);
        gemm_block(m1 - m0, w + m0 * K, MR * K, K, 1, k0, kc, bp, nc, out + m0 * N + n0, N, k0 > 0);
      }
    }
    add_bias(bias, out, N, m_begin, m_end, n0, n0 + nc);
    epilogue(out, N, m_begin, m_end, n0, n0 + nc, scale, shift, residual, rectify);
  }
}

/*
 * How many full-size units a call of every position has (the pool's measure of whether its
 * threads can share them): four output rows of Winograd tiles each, or NC positions of a direct
 * conv; claimed, the last ones are smaller (next_unit).
 */
int conv2d_units(int C, int kh, int kw, int sh, int sw, int dh, int dw, int groups, int Ho, int Wo) {
  const int tile = winograd_tile(C, kh, kw, sh, sw, dh, dw, groups, Ho, Wo);
  if (tile) {
    const int unit_rows = max_i(1, WINO_UNIT_OUTPUT_ROWS / tile);
    return ((Ho + tile - 1) / tile + unit_rows - 1) / unit_rows;
  }
  return (Ho * Wo + NC - 1) / NC;
}

/*
 * Floats of scratch space conv_transpose2d needs for output channels
 * [m_begin, m_end): packed W^T and the column matrix of one group's slice, one packed
 * block of B and the offset tables.
 */
int conv_transpose2d_scratch(int C, int H, int W, int M, int kh, int kw, int groups, int m_begin, int m_end) {
  const int Cg = C / groups, Mg = M / groups;
  /* A call's channel range can span several groups; the largest slice of one group bounds it. */
  const int rows = min_i(Mg, m_end - m_begin) * kh * kw;
  return packed_a_size(rows, Cg) + rows * H * W + packed_b_size(Cg) + Cg + NC;
}

/*
 * Transposed 2-D convolution (PyTorch's ConvTranspose2d) of in [C][H][W] with w
 * [C][M/groups][kh][kw] into out [M][Ho][Wo], output channels [m_begin, m_end)
 * only: out[co][iy*s - p + ky*d][ix*s - p + kx*d] += w[ci][co][ky][kx] * in[ci][iy][ix].
 * Computed as a GEMM (columns = W^T x in) and a fixed-order scatter-add (col2im).
 * output_padding only enlarges Ho/Wo, which the caller passes.
 */
void conv_transpose2d(const float *in, int C, int H, int W, const float *w, const float *bias, float *out, int M,
                      int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, int groups, int Ho, int Wo,
                      int m_begin, int m_end, float *scratch) {
  const int Cg = C / groups, Mg = M / groups;
  const int khw = kh * kw, N = H * W, kcb = block_depth(Cg);
  for (int m = m_begin; m < m_end; m++) {
    float *plane = out + m * Ho * Wo;
    for (int i = 0; i < Ho * Wo; i++) plane[i] = 0.0f;
  }
  for (int g = 0; g < groups; g++) {
    const int c0 = max_i(g * Mg, m_begin), c1 = min_i((g + 1) * Mg, m_end);
    if (c0 >= c1) continue;
    const int rows = (c1 - c0) * khw;
    float *ap = scratch;
    float *cols = ap + packed_a_size(rows, Cg); /* rows x N */
    float *bp = cols + rows * N;
    int *koff = (int *)(bp + packed_b_size(Cg));
    int *noff = koff + Cg;
    for (int k = 0; k < Cg; k++) koff[k] = k * N;
    /* Row r of A = W^T is weight column (co, ky, kx); its element k is input channel ci. */
    pack_a(w + g * Cg * Mg * khw + (c0 - g * Mg) * khw, 1, Mg * khw, rows, Cg, ap);
    const float *gin = in + g * Cg * N;
    for (int n0 = 0; n0 < N; n0 += NC) {
      const int nc = min_i(NC, N - n0);
      for (int i = 0; i < nc; i++) noff[i] = n0 + i;
      for (int k0 = 0; k0 < Cg; k0 += kcb) {
        const int kc = min_i(kcb, Cg - k0);
        pack_b(gin, koff, noff, k0, kc, nc, bp);
        gemm_block(rows, ap, MR * Cg, 1, MR, k0, kc, bp, nc, cols + n0, N, k0 > 0);
      }
    }
    for (int co = c0; co < c1; co++) {
      float *plane = out + co * Ho * Wo;
      for (int ky = 0; ky < kh; ky++) {
        for (int kx = 0; kx < kw; kx++) {
          const float *src = cols + (((co - c0) * kh + ky) * kw + kx) * N;
          for (int iy = 0; iy < H; iy++) {
            const int oy = iy * sh - ph + ky * dh;
            if ((unsigned)oy >= (unsigned)Ho) continue;
            for (int ix = 0; ix < W; ix++) {
              const int ox = ix * sw - pw + kx * dw;
              if ((unsigned)ox < (unsigned)Wo) plane[oy * Wo + ox] += src[iy * W + ix];
            }
          }
        }
      }
    }
  }
  if (bias) {
    for (int m = m_begin; m < m_end; m++) {
      const float b = bias[m];
      float *plane = out + m * Ho * Wo;
      for (int i = 0; i < Ho * Wo; i++) plane[i] += b;
    }
  }
}

/*
 * Fully connected layer y[m] = sum_k w[m][k] x[k] + bias[m] for m in [m_begin, m_end).
 * Sixteen partial sums (four vectors over k mod 16) combined in a fixed order, then
 * the tail; bias may be 0.
 */
void linear(const float *x, int K, const float *w, const float *bias, float *y, int m_begin, int m_end) {
  const int K16 = K & ~15;
  for (int m = m_begin; m < m_end; m++) {
    const float *row = w + m * K;
    v128_t s0 = wasm_f32x4_splat(0.0f), s1 = s0, s2 = s0, s3 = s0;
    for (int k = 0; k < K16; k += 16) {
      s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(wasm_v128_load(row + k), wasm_v128_load(x + k)));
      s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(wasm_v128_load(row + k + 4), wasm_v128_load(x + k + 4)));
      s2 = wasm_f32x4_add(s2, wasm_f32x4_mul(wasm_v128_load(row + k + 8), wasm_v128_load(x + k + 8)));
      s3 = wasm_f32x4_add(s3, wasm_f32x4_mul(wasm_v128_load(row + k + 12), wasm_v128_load(x + k + 12)));
    }
    const v128_t s = wasm_f32x4_add(wasm_f32x4_add(s0, s1), wasm_f32x4_add(s2, s3));
    float acc = (wasm_f32x4_extract_lane(s, 0) + wasm_f32x4_extract_lane(s, 1)) +
                (wasm_f32x4_extract_lane(s, 2) + wasm_f32x4_extract_lane(s, 3));
    for (int k = K16; k < K; k++) acc += row[k] * x[k];
    y[m] = bias ? acc + bias[m] : acc;
  }
}

/* Floats of scratch space linear_rows needs for a K-wide input, whatever its rows. */
int linear_rows_scratch(int K) {
  return packed_b_size(K) + K + NC;
}

/*
 * A fully connected layer applied to every row of a sequence x [T][K]:
 * y[t][m] = sum_k x[t][k] w[m][k] + bias[m] for rows t in [t_begin, t_end), all m in
 * [0, M). The GEMM with A = the rows of x and B(k, m) = w[m][k], so each weight is
 * packed once per call rather than read once per row; bias may be 0.
 */
void linear_rows(const float *x, int K, const float *w, const float *bias, float *y, int M, int t_begin, int t_end,
                 float *scratch) {
  const int rows = t_end - t_begin, kcb = block_depth(K);
  float *bp = scratch;
  int *koff = (int *)(bp + packed_b_size(K));
  int *noff = koff + K;
  for (int k = 0; k < K; k++) koff[k] = k;
  for (int n0 = 0; n0 < M; n0 += NC) {
    const int nc = min_i(NC, M - n0);
    for (int i = 0; i < nc; i++) noff[i] = (n0 + i) * K;
    for (int k0 = 0; k0 < K; k0 += kcb) {
      const int kc = min_i(kcb, K - k0);
      pack_b(w, koff, noff, k0, kc, nc, bp);
      gemm_block(rows, x + t_begin * K, MR * K, K, 1, k0, kc, bp, nc, y + t_begin * M + n0, M, k0 > 0);
    }
  }
  if (bias) {
    for (int t = t_begin; t < t_end; t++) {
      float *row = y + t * M;
      for (int m = 0; m < M; m++) row[m] += bias[m];
    }
  }
}

/*
 * Seeded uniform weights, the bits init.ts's SplitMix32 loop gives: out[i] =
 * (2 * ((z_i >> 8) / 2^24) - 1) * bound, where z_i is splitmix32's output for the
 * state `state + (i + 1) * 0x9e3779b9` (mod 2^32). The scaling runs in double, one
 * rounding for the product and one to float, as JavaScript's arithmetic and its
 * Float32Array store do; every other step is exact.
 */
void uniform_fill(float *out, int n, unsigned state, double bound) {
  const v128_t golden = wasm_i32x4_splat((int)0x9e3779b9);
  const v128_t m1 = wasm_i32x4_splat((int)0x85ebca6b), m2 = wasm_i32x4_splat((int)0xc2b2ae35);
  const v128_t scale = wasm_f64x2_splat(1.0 / 8388608.0), one = wasm_f64x2_splat(1.0), b = wasm_f64x2_splat(bound);
  v128_t s = wasm_i32x4_add(wasm_i32x4_splat((int)state), wasm_i32x4_mul(golden, wasm_i32x4_make(1, 2, 3, 4)));
  const v128_t step = wasm_i32x4_mul(golden, wasm_i32x4_splat(4));
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t z = s;
    z = wasm_i32x4_mul(wasm_v128_xor(z, wasm_u32x4_shr(z, 16)), m1);
    z = wasm_i32x4_mul(wasm_v128_xor(z, wasm_u32x4_shr(z, 13)), m2);
    z = wasm_u32x4_shr(wasm_v128_xor(z, wasm_u32x4_shr(z, 16)), 8);
    const v128_t lo = wasm_f64x2_mul(wasm_f64x2_sub(wasm_f64x2_mul(wasm_f64x2_convert_low_i32x4(z), scale), one), b);
    const v128_t hi = wasm_f64x2_mul(
        wasm_f64x2_sub(wasm_f64x2_mul(wasm_f64x2_convert_low_i32x4(wasm_i32x4_shuffle(z, z, 2, 3, 0, 1)), scale), one), b);
    wasm_v128_store(out + i, wasm_i32x4_shuffle(wasm_f32x4_demote_f64x2_zero(lo), wasm_f32x4_demote_f64x2_zero(hi), 0, 1, 4, 5));
    s = wasm_i32x4_add(s, step);
  }
  for (; i < n; i++) {
    unsigned z = state + (unsigned)(i + 1) * 0x9e3779b9u;
    z = (z ^ (z >> 16)) * 0x85ebca6bu;
    z = (z ^ (z >> 13)) * 0xc2b2ae35u;
    z = (z ^ (z >> 16)) >> 8;
    out[i] = (float)(((double)z / 8388608.0 - 1.0) * bound);
  }
}

/*
 * The smallest and largest finite values of x[0, n) into out[0], out[1] (+inf and -inf
 * when there are none). Order does not matter for a minimum, so four lanes at a time.
 */
void finite_range(const float *x, int n, float *out) {
  const v128_t inf = wasm_f32x4_splat(__builtin_inff());
  v128_t lo = inf, hi = wasm_f32x4_neg(inf);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t v = wasm_v128_load(x + i);
    const v128_t finite = wasm_f32x4_lt(wasm_f32x4_abs(v), inf);
    lo = wasm_f32x4_pmin(lo, wasm_v128_bitselect(v, inf, finite));
    hi = wasm_f32x4_pmax(hi, wasm_v128_bitselect(v, wasm_f32x4_neg(inf), finite));
  }
  float l = wasm_f32x4_extract_lane(lo, 0), h = wasm_f32x4_extract_lane(hi, 0);
  for (int k = 1; k < 4; k++) {
    const float a = k == 1 ? wasm_f32x4_extract_lane(lo, 1) : k == 2 ? wasm_f32x4_extract_lane(lo, 2) : wasm_f32x4_extract_lane(lo, 3);
    const float b = k == 1 ? wasm_f32x4_extract_lane(hi, 1) : k == 2 ? wasm_f32x4_extract_lane(hi, 2) : wasm_f32x4_extract_lane(hi, 3);
    if (a < l) l = a;
    if (b > h) h = b;
  }
  for (; i < n; i++) {
    const float v = x[i];
    if (!(__builtin_fabsf(v) < __builtin_inff())) continue;
    if (v < l) l = v;
    if (v > h) h = v;
  }
  out[0] = l;
  out[1] = h;
}

/*
 * Per channel c of x [C][n]: the sum and the sum of squares of its values, in double,
 * added in index order (the order JavaScript's loop used, so the channel ranking built
 * on them is unchanged), into out[2c], out[2c+1].
 */
void channel_moments(const float *x, int C, int n, double *out) {
  for (int c = 0; c < C; c++) {
    const float *row = x + c * n;
    double sum = 0.0, squares = 0.0;
    for (int i = 0; i < n; i++) {
      const double v = row[i];
      sum += v;
      squares += v * v;
    }
    out[2 * c] = sum;
    out[2 * c + 1] = squares;
  }
}

void relu_f32(const float *x, float *y, int n) { relu_range(x, y, n); }

void add_f32(float *acc, const float *x, int n) { add_range(acc, x, n); }

/* y = a + b over n values (the first step of a sum of several tensors, as JavaScript's copy-then-add). */
void sum2_f32(const float *a, const float *b, float *y, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(y + i, wasm_f32x4_add(wasm_v128_load(a + i), wasm_v128_load(b + i)));
  for (; i < n; i++) y[i] = a[i] + b[i];
}

/*
 * y[c][i] = x[c][i] * scale[c] + shift[c] for C channels of n values, computed in double
 * and rounded to float once, as JavaScript's batch norm loop did (the same bits).
 */
void affine_channels_f32(const float *x, float *y, int C, int n, const double *scale, const double *shift) {
  for (int c = 0; c < C; c++) affine_range(x + c * n, y + c * n, n, scale[c], shift[c]);
}

/* m = v where v > m or v is NaN, lane by lane: one step of the JavaScript maxpool's `if (v > m || isNaN(v)) m = v`. */
static inline v128_t max_step(v128_t m, v128_t v) {
  return wasm_v128_bitselect(v, m, wasm_v128_or(wasm_f32x4_gt(v, m), wasm_f32x4_ne(v, v)));
}

/*
 * PyTorch's MaxPool2d on channels [c_begin, c_end) of in [C][H][W] into out [C][Ho][Wo]:
 * padding never wins (it acts as -inf) and NaN propagates. Each output row is the
 * running maximum over the window's taps, taken in the JavaScript loop's order (row
 * ky, then column kx: ../pooling.ts), so every output is the same bits, NaN payloads
 * included; the taps of a row of outputs are read four outputs at a time where the
 * stride is 1 or 2 (a stride-2 tap de-interleaves two loads).
 */
void maxpool2d(const float *in, int H, int W, float *out, int Ho, int Wo, int kh, int kw, int sh, int sw, int pt, int pl,
               int dh, int dw, int c_begin, int c_end) {
  for (int c = c_begin; c < c_end; c++) {
    const float *plane = in + c * H * W;
    for (int oy = 0; oy < Ho; oy++) {
      float *o = out + (c * Ho + oy) * Wo;
      int ox = 0;
      for (; ox + 4 <= Wo; ox += 4) wasm_v128_store(o + ox, wasm_f32x4_splat(-__builtin_inff()));
      for (; ox < Wo; ox++) o[ox] = -__builtin_inff();
      for (int ky = 0; ky < kh; ky++) {
        const int iy = oy * sh - pt + ky * dh;
        if (iy < 0 || iy >= H) continue;
        const float *row = plane + iy * W;
        for (int kx = 0; kx < kw; kx++) {
          const int off = kx * dw - pl;
          /* Outputs whose tap lies inside the row: off + ox * sw in [0, W). */
          const int lo = off >= 0 ? 0 : (-off + sw - 1) / sw;
          const int hi = min_i(Wo, W - 1 - off < 0 ? 0 : (W - 1 - off) / sw + 1);
          ox = lo;
          if (sw == 1) {
            for (; ox + 4 <= hi; ox += 4) wasm_v128_store(o + ox, max_step(wasm_v128_load(o + ox), wasm_v128_load(row + off + ox)));
          } else if (sw == 2) {
            /* Four taps at off + 2ox .. off + 2ox + 6 from eight floats that all lie in the row. */
            for (; ox + 4 <= hi && off + 2 * ox + 8 <= W; ox += 4) {
              const float *src = row + off + 2 * ox;
              const v128_t v = wasm_i32x4_shuffle(wasm_v128_load(src), wasm_v128_load(src + 4), 0, 2, 4, 6);
              wasm_v128_store(o + ox, max_step(wasm_v128_load(o + ox), v));
            }
          }
          for (; ox < hi; ox++) {
            const float v = row[off + ox * sw];
            if (v > o[ox] || v != v) o[ox] = v;
          }
        }
      }
    }
  }
}
