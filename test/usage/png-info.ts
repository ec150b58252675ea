/**
 * Reads what a test needs to know about a PNG without trusting the code that wrote it: the 8-byte signature, the
 * IHDR width and height, and (decoded through @napi-rs/canvas) the colour of its pixels.
 */
import { createCanvas, loadImage } from '@napi-rs/canvas';

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface PngInfo {
  width: number;
  height: number;
}

/** Width and height from the IHDR chunk, which must come first; throws when the bytes are not a PNG. */
export function pngInfo(bytes: Uint8Array): PngInfo {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 33 || !buf.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG: bad signature');
  if (buf.readUInt32BE(8) !== 13 || buf.toString('latin1', 12, 16) !== 'IHDR') throw new Error('not a PNG: no IHDR');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

export interface Pixels {
  width: number;
  height: number;
  /** [r, g, b, a] at (x, y). */
  at(x: number, y: number): [number, number, number, number];
  /** How many pixels in the box are within `tolerance` (per channel) of the colour. */
  count(
    rgb: [number, number, number],
    tolerance?: number,
    box?: { x: number; y: number; w: number; h: number },
  ): number;
}

/** Decodes the PNG and gives its pixels. */
export async function decodePng(bytes: Uint8Array): Promise<Pixels> {
  const image = await loadImage(Buffer.from(bytes));
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const { data, width, height } = ctx.getImageData(0, 0, image.width, image.height);
  const at = (x: number, y: number): [number, number, number, number] => {
    const i = (y * width + x) * 4;
    return [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0, data[i + 3] ?? 0];
  };
  return {
    width,
    height,
    at,
    count(rgb, tolerance = 24, box = { x: 0, y: 0, w: width, h: height }) {
      let n = 0;
      for (let y = box.y; y < box.y + box.h; y++) {
        for (let x = box.x; x < box.x + box.w; x++) {
          const p = at(x, y);
          if (p.slice(0, 3).every((v, i) => Math.abs(v - (rgb[i] ?? 0)) <= tolerance)) n++;
        }
      }
      return n;
    },
  };
}
