/**
 * Draws the two icons of the Teams app package (deploy/teams/):
 * - color.png   192×192: white warning triangle with a red "!" on a full red square,
 * - outline.png  32×32: the same triangle as a white outline with a white "!" on transparent.
 * PNG encoding by hand with node:zlib only (deflate + crc32). Run: `node_modules/.bin/node scripts/make-teams-icons.ts`.
 */
import { writeFileSync } from "node:fs";
import { crc32, deflateSync } from "node:zlib";

type RGBA = readonly [number, number, number, number];
type Shader = (x: number, y: number) => RGBA;

const RED: RGBA = [183, 28, 28, 255];
const WHITE: RGBA = [255, 255, 255, 255];
const CLEAR: RGBA = [255, 255, 255, 0];
const SAMPLES = 4; // 4×4 supersampling for smooth edges

type Pt = readonly [number, number];

/** Signed distances of a point to the three edges of a triangle (positive inside, counter-clockwise winding). */
function edgeDistances(p: Pt, tri: readonly [Pt, Pt, Pt]): number[] {
  const out: number[] = [];
  for (let i = 0; i < 3; i++) {
    const a = tri[i]!;
    const b = tri[(i + 1) % 3]!;
    const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
    out.push(((b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0])) / len);
  }
  return out;
}

function inTriangle(p: Pt, tri: readonly [Pt, Pt, Pt]): boolean {
  const d = edgeDistances(p, tri);
  return d.every((x) => x >= 0) || d.every((x) => x <= 0);
}

/** Distance to the triangle's border, for points inside it. */
function borderDistance(p: Pt, tri: readonly [Pt, Pt, Pt]): number {
  return Math.min(...edgeDistances(p, tri).map(Math.abs));
}

function inRect(p: Pt, x0: number, y0: number, x1: number, y1: number): boolean {
  return p[0] >= x0 && p[0] <= x1 && p[1] >= y0 && p[1] <= y1;
}

function inCircle(p: Pt, cx: number, cy: number, r: number): boolean {
  return (p[0] - cx) ** 2 + (p[1] - cy) ** 2 <= r * r;
}

/** Exclamation mark in a box of size `s` centred at `cx`, from `top` to `bottom`. */
function inBang(p: Pt, cx: number, top: number, bottom: number, width: number): boolean {
  const dotR = width * 0.62;
  const barBottom = bottom - dotR * 2 - width * 0.7;
  return inRect(p, cx - width / 2, top, cx + width / 2, barBottom) || inCircle(p, cx, bottom - dotR, dotR);
}

function colorIcon(size: number): Shader {
  const k = size / 192;
  const tri = [
    [96 * k, 30 * k],
    [22 * k, 158 * k],
    [170 * k, 158 * k],
  ] as const;
  return (x, y) => {
    const p: Pt = [x, y];
    if (!inTriangle(p, tri)) return RED;
    if (inBang(p, 96 * k, 72 * k, 144 * k, 16 * k)) return RED;
    return WHITE;
  };
}

function outlineIcon(size: number): Shader {
  const k = size / 32;
  const tri = [
    [16 * k, 2.5 * k],
    [1.5 * k, 29 * k],
    [30.5 * k, 29 * k],
  ] as const;
  const stroke = 2.2 * k;
  return (x, y) => {
    const p: Pt = [x, y];
    if (inTriangle(p, tri) && borderDistance(p, tri) <= stroke) return WHITE;
    if (inBang(p, 16 * k, 11 * k, 25.5 * k, 2.6 * k)) return WHITE;
    return CLEAR;
  };
}

/** RGBA pixels with supersampling; colour is averaged with alpha weighting. */
function render(size: number, shade: Shader): Buffer {
  const px = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const c = shade(x + (sx + 0.5) / SAMPLES, y + (sy + 0.5) / SAMPLES);
          r += c[0] * c[3];
          g += c[1] * c[3];
          b += c[2] * c[3];
          a += c[3];
        }
      }
      const i = (y * size + x) * 4;
      px[i] = a ? Math.round(r / a) : 255;
      px[i + 1] = a ? Math.round(g / a) : 255;
      px[i + 2] = a ? Math.round(b / a) : 255;
      px[i + 3] = Math.round(a / (SAMPLES * SAMPLES));
    }
  }
  return px;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([len, body, crc]);
}

/** Encode RGBA pixels as a PNG (8-bit RGBA, no filter). */
export function png(size: number, rgba: Buffer): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const out = new URL("../deploy/teams/", import.meta.url);
writeFileSync(new URL("color.png", out), png(192, render(192, colorIcon(192))));
writeFileSync(new URL("outline.png", out), png(32, render(32, outlineIcon(32))));
process.stdout.write("deploy/teams/color.png (192×192) und deploy/teams/outline.png (32×32) geschrieben.\n");
