import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  animatedGif,
  BLUE,
  gifBomb,
  HTML_AS_PNG,
  htmlPngPolyglot,
  jpegWithGpsAndOrientation,
  near,
  PDF,
  pixelAt,
  png,
  pngBomb,
  pngHtmlPolyglot,
  SVG_WITH_SCRIPT,
  truncatedJpeg,
  webp,
} from '../../test/support/images';
import { ImageProcessor, sniffImageFormat } from './image-processor';
import { MediaTooLargeImageError, MediaTypeUnsupportedError, MediaUnreadableError } from './media.errors';

describe(ImageProcessor.name, () => {
  const sut = new ImageProcessor();

  it('should sniff the four image types from their first bytes only', async () => {
    expect(sniffImageFormat(await png())).toBe('png');
    expect(sniffImageFormat(await webp())).toBe('webp');
    expect(sniffImageFormat(await animatedGif())).toBe('gif');
    expect(sniffImageFormat(await jpegWithGpsAndOrientation(40, 30))).toBe('jpeg');
    expect(sniffImageFormat(HTML_AS_PNG)).toBeNull();
    expect(sniffImageFormat(SVG_WITH_SCRIPT)).toBeNull();
    expect(sniffImageFormat(PDF)).toBeNull();
    expect(sniffImageFormat(Buffer.from('RIFF\0\0\0\0WAVEfmt '))).toBeNull();
    expect(sniffImageFormat(Buffer.alloc(0))).toBeNull();
  });

  it('should re-encode the same type without metadata, orientation applied and the longest side capped', async () => {
    const out = await sut.process(await jpegWithGpsAndOrientation(1600, 1000), 640);
    expect(out).toMatchObject({ format: 'jpeg', contentType: 'image/jpeg', width: 400, height: 640 });
    const meta = await sharp(out.data).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 400, height: 640 });
    expect(meta.exif).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    expect(near(await pixelAt(out.data, 200, 10), BLUE)).toBe(true);
  });

  it('should not enlarge a small image', async () => {
    const out = await sut.process(await png(30, 20), 2048);
    expect(out).toMatchObject({ width: 30, height: 20 });
  });

  it('should keep every frame of an animated GIF, and give the size of one frame', async () => {
    const out = await sut.process(await animatedGif(400, 300, 3), 200);
    expect(out).toMatchObject({ format: 'gif', width: 200, height: 150 });
    expect(await sharp(out.data, { animated: true }).metadata()).toMatchObject({ pages: 3, pageHeight: 150 });
  });

  it('should leave nothing of a payload appended to a real image', async () => {
    const out = await sut.process(await pngHtmlPolyglot(), 640);
    expect(out.format).toBe('png');
    expect(out.data.includes(Buffer.from('<script'))).toBe(false);
  });

  it.each([
    ['HTML', () => HTML_AS_PNG],
    ['SVG', () => SVG_WITH_SCRIPT],
    ['PDF', () => PDF],
    ['HTML with a PNG inside', htmlPngPolyglot],
  ])('should refuse %s as an unsupported type', async (_name, make) => {
    await expect(sut.process(await make(), 640)).rejects.toBeInstanceOf(MediaTypeUnsupportedError);
  });

  it('should refuse a truncated JPEG as unreadable', async () => {
    await expect(sut.process(await truncatedJpeg(), 640)).rejects.toBeInstanceOf(MediaUnreadableError);
  });

  it('should refuse garbage behind a valid signature as unreadable', async () => {
    const fake = Buffer.concat([(await png()).subarray(0, 8), Buffer.from('not a chunk at all, just text')]);
    await expect(sut.process(fake, 640)).rejects.toBeInstanceOf(MediaUnreadableError);
  });

  it('should refuse more than 40 megapixels from the header, before decoding', async () => {
    await expect(sut.process(pngBomb(20_000), 640)).rejects.toBeInstanceOf(MediaTooLargeImageError);
    // 6,400 × 6,400 = 40.96 MP: just over.
    await expect(sut.process(pngBomb(6_400), 640)).rejects.toBeInstanceOf(MediaTooLargeImageError);
  });

  it('should count all frames of an animation against the 40 megapixels', async () => {
    // 2,000 × 2,000 a frame would be fine alone; 11 frames of it are 44 MP.
    const bomb = gifBomb(2000, 2000, 11);
    expect(bomb.length).toBeLessThan(1024);
    await expect(sut.process(bomb, 640)).rejects.toBeInstanceOf(MediaTooLargeImageError);
    // The same file with 9 frames passes the pixel check and only then fails to decode.
    await expect(sut.process(gifBomb(2000, 2000, 9), 640)).rejects.toBeInstanceOf(MediaUnreadableError);
  });
});
