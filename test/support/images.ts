import sharp from 'sharp';
import { crc32, deflateSync } from 'node:zlib';

/**
 * Image files made by the tests themselves: real encoders (sharp) for the good ones,
 * hand-made bytes for the bad ones, so every case is known exactly.
 */

export const RED = { r: 255, g: 0, b: 0 };
export const BLUE = { r: 0, g: 0, b: 255 };

/** A width × height PNG: red, with a blue band over the left quarter (to tell orientation). */
export async function png(width = 120, height = 80): Promise<Buffer> {
  return banded(width, height).png().toBuffer();
}

export async function webp(width = 120, height = 80): Promise<Buffer> {
  return banded(width, height).webp().toBuffer();
}

/** A GIF of `frames` frames (red, green, blue…), so a test can see the animation survive. */
export async function animatedGif(width = 40, height = 30, frames = 3): Promise<Buffer> {
  const colours = ['#ff0000', '#00ff00', '#0000ff', '#ffff00'];
  const pages = await Promise.all(
    Array.from({ length: frames }, (_, i) => sharp({ create: { width, height, channels: 4, background: colours[i % colours.length] } }).png().toBuffer()),
  );
  return sharp(pages, { join: { animated: true } }).gif().toBuffer();
}

/** A camera-like JPEG: pixels stored landscape with EXIF Orientation 6 (display rotated 90° clockwise), a maker and a GPS block. */
export async function jpegWithGpsAndOrientation(width = 1600, height = 1000): Promise<Buffer> {
  return banded(width, height)
    .jpeg()
    .withMetadata({ orientation: 6 })
    .withExifMerge({
      IFD0: { Make: 'WxmallTestCam', Model: 'GPS-1' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '39/1 54/1 2706/100', GPSLongitudeRef: 'E', GPSLongitude: '116/1 23/1 2940/100' },
    })
    .toBuffer();
}

/** Whether a raw EXIF block (TIFF header first) has a GPS IFD pointer (tag 0x8825). */
export function exifHasGps(exif: Buffer | undefined): boolean {
  if (!exif) return false;
  return exif.includes(Buffer.from([0x88, 0x25])) || exif.includes(Buffer.from([0x25, 0x88]));
}

function banded(width: number, height: number) {
  const band = Math.max(1, Math.floor(width / 4));
  return sharp({ create: { width, height, channels: 3, background: RED } }).composite([
    { input: { create: { width: band, height, channels: 3, background: BLUE } }, left: 0, top: 0 },
  ]);
}

/** An HTML page, to be sent named `.png` with Content-Type image/png. */
export const HTML_AS_PNG = Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>');

export const SVG_WITH_SCRIPT = Buffer.from(
  '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><script>alert(1)</script><rect width="64" height="64" fill="red"/></svg>',
);

/** A minimal PDF (its header is the whole point). */
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

/** An HTML document that carries a real PNG inside it: starts as HTML, so it is not an image. */
export async function htmlPngPolyglot(): Promise<Buffer> {
  return Buffer.concat([Buffer.from('<html><script>alert(1)</script><!--'), await png(16, 16), Buffer.from('--></html>')]);
}

/** A real PNG with an HTML payload after its end: sniffs and decodes as a PNG. */
export async function pngHtmlPolyglot(): Promise<Buffer> {
  return Buffer.concat([await png(16, 16), Buffer.from('<html><script>alert("polyglot")</script></html>')]);
}

/** The first part of a JPEG: the header decodes, the pixels stop halfway. */
export async function truncatedJpeg(): Promise<Buffer> {
  const whole = await banded(400, 300).jpeg().toBuffer();
  return whole.subarray(0, Math.floor(whole.length * 0.6));
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A decompression bomb: a valid PNG header claiming 20,000 × 20,000 grey pixels, in a few kB. */
export function pngBomb(side = 20_000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  // A few rows of zeros (filter byte + pixels), compressed: far less than the header promises.
  const idat = deflateSync(Buffer.alloc((side + 1) * 4));
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', idat), pngChunk('IEND', Buffer.alloc(0))]);
}

/**
 * An animation bomb: a GIF header and `frames` frame descriptors of width × height each,
 * with next to no pixel data (a few hundred bytes in all).
 */
export function gifBomb(width = 2000, height = 2000, frames = 11): Buffer {
  const screen = Buffer.alloc(7);
  screen.writeUInt16LE(width, 0);
  screen.writeUInt16LE(height, 2);
  screen[4] = 0x80; // a global colour table of two entries follows
  const parts = [Buffer.from('GIF89a', 'latin1'), screen, Buffer.from([0, 0, 0, 255, 255, 255])];
  // Loop forever (NETSCAPE2.0 application extension): an animation.
  parts.push(Buffer.from([0x21, 0xff, 0x0b]), Buffer.from('NETSCAPE2.0', 'latin1'), Buffer.from([0x03, 0x01, 0x00, 0x00, 0x00]));
  for (let i = 0; i < frames; i++) {
    parts.push(Buffer.from([0x21, 0xf9, 0x04, 0x04, 0x0a, 0x00, 0x00, 0x00])); // graphic control: 0.1 s
    const descriptor = Buffer.alloc(10);
    descriptor[0] = 0x2c;
    descriptor.writeUInt16LE(width, 5);
    descriptor.writeUInt16LE(height, 7);
    // LZW minimum code size 2, then one sub-block holding just the clear and end codes.
    parts.push(descriptor, Buffer.from([0x02, 0x01, 0x2c, 0x00]));
  }
  parts.push(Buffer.from([0x3b]));
  return Buffer.concat(parts);
}

/**
 * The PNG padded with an ancillary text chunk to exactly `size` bytes (still a valid PNG
 * that decodes to the same pixels), for the MEDIA_MAX_BYTES boundary.
 */
export function padPng(image: Buffer, size: number): Buffer {
  const iendAt = image.length - 12;
  const overhead = 12 + 'pad\0'.length;
  const fill = size - image.length - overhead;
  if (fill < 0) throw new Error(`cannot pad a ${image.length}-byte PNG to ${size} bytes`);
  const text = pngChunk('tEXt', Buffer.concat([Buffer.from('pad\0', 'latin1'), Buffer.alloc(fill, 0x61)]));
  const padded = Buffer.concat([image.subarray(0, iendAt), text, image.subarray(iendAt)]);
  if (padded.length !== size) throw new Error('padding miscounted');
  return padded;
}

/** The RGB of a pixel of a decoded image. */
export async function pixelAt(image: Buffer, x: number, y: number): Promise<{ r: number; g: number; b: number }> {
  const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
  const i = (y * info.width + x) * info.channels;
  return { r: data[i], g: data[i + 1], b: data[i + 2] };
}

/** Whether a colour is close to another (lossy encoders move values a little). */
export function near(actual: { r: number; g: number; b: number }, expected: { r: number; g: number; b: number }): boolean {
  return Math.abs(actual.r - expected.r) < 40 && Math.abs(actual.g - expected.g) < 40 && Math.abs(actual.b - expected.b) < 40;
}

/** A PNG of this size, synchronously (for the browser tests' file inputs). */
export function pngImage(width: number, height: number): Buffer {
  const row = Buffer.alloc(1 + width * 3, 0);
  for (let x = 0; x < width; x++) row.writeUIntBE(0xd04030, 1 + x * 3, 3);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(2, 9); // truecolour
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
