import { Injectable } from '@nestjs/common';
import type { Sharp } from 'sharp';
import { IMAGE_TYPES, ImageContentType, ImageFormat } from './media-key';
import { MediaTooLargeImageError, MediaTypeUnsupportedError, MediaUnreadableError } from './media.errors';

/** A decompression bomb fits in a few kB: nothing over this many pixels (all frames together) is decoded. */
export const MAX_IMAGE_PIXELS = 40_000_000;

export interface ProcessedImage {
  data: Buffer;
  format: ImageFormat;
  contentType: ImageContentType;
  /** Of one frame, after orientation and resizing. */
  width: number;
  height: number;
}

/**
 * The type of an image from its first bytes (magic numbers), never from a file name or a
 * client's Content-Type. Only the four types a mini program and a browser show everywhere;
 * SVG (scripts), HTML, PDF, HEIC, TIFF and anything else are not images we serve.
 */
export function sniffImageFormat(bytes: Buffer): ImageFormat | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return 'png';
  if (bytes.length >= 6 && (bytes.subarray(0, 6).toString('latin1') === 'GIF87a' || bytes.subarray(0, 6).toString('latin1') === 'GIF89a')) return 'gif';
  if (bytes.length >= 12 && bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'webp';
  return null;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Formats whose frames are all kept (an animated avatar stays animated). */
const MULTI_FRAME: ReadonlySet<ImageFormat> = new Set(['gif', 'webp']);

/**
 * Decodes an upload and encodes it again, so what we store and serve is pixels we wrote:
 * no EXIF (GPS included), no ICC or XMP, no trailing bytes of a polyglot; the EXIF
 * orientation is applied to the pixels, and the longest side is capped.
 */
@Injectable()
export class ImageProcessor {
  async process(input: Buffer, longestSide: number): Promise<ProcessedImage> {
    const format = sniffImageFormat(input);
    if (!format) throw new MediaTypeUnsupportedError();
    const sharp = await loadSharp();
    const animated = MULTI_FRAME.has(format);

    // The header alone: sharp reads dimensions without decoding pixels, so a 20,000 ×
    // 20,000 PNG of a few kB is refused here, before any memory is spent on it.
    let width: number;
    let height: number;
    try {
      const meta = await sharp(input, { animated, limitInputPixels: false }).metadata();
      if (meta.format !== format) throw new MediaTypeUnsupportedError();
      ({ width, height } = meta);
    } catch (err) {
      if (err instanceof MediaTypeUnsupportedError) throw err;
      throw new MediaUnreadableError();
    }
    // With `animated`, height is that of all frames stacked.
    if (!width || !height) throw new MediaUnreadableError();
    if (width * height > MAX_IMAGE_PIXELS) throw new MediaTooLargeImageError();

    try {
      // limitInputPixels again, should the decoder find other dimensions than the header said.
      const pipeline = sharp(input, { animated, limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'warning' })
        .rotate()
        .resize({ width: longestSide, height: longestSide, fit: 'inside', withoutEnlargement: true });
      const { data, info } = await encode(pipeline, format).toBuffer({ resolveWithObject: true });
      return { data, format, contentType: IMAGE_TYPES[format].contentType, width: info.width, height: info.pageHeight ?? info.height };
    } catch (err) {
      if (/pixel limit/i.test((err as Error).message)) throw new MediaTooLargeImageError();
      throw new MediaUnreadableError();
    }
  }
}

let sharpLoaded: Promise<typeof import('sharp')> | undefined;

/**
 * sharp, loaded with the first image: libvips is ~18 MB of resident memory that a server
 * nobody uploads to never needs (the catalogue reads, the logins).
 */
function loadSharp(): Promise<typeof import('sharp')> {
  return (sharpLoaded ??= import('sharp').then(({ default: sharp }) => {
    // libvips' operation cache would keep decoded user images in memory between requests.
    sharp.cache(false);
    return sharp;
  }));
}

/** The same type out as in (a GIF stays a GIF, so an animation survives); sharp writes no metadata unless asked. */
function encode(pipeline: Sharp, format: ImageFormat): Sharp {
  switch (format) {
    case 'jpeg':
      return pipeline.jpeg({ quality: 85 });
    case 'png':
      return pipeline.png();
    case 'webp':
      return pipeline.webp({ quality: 85 });
    case 'gif':
      return pipeline.gif();
  }
}
