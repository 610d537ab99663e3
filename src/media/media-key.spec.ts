import { describe, expect, it } from 'vitest';
import { contentTypeOfKey, etagOfKey, ifNoneMatchHits, isMediaKey, mediaKeyOfUrl, newMediaKey } from './media-key';

const KEY = '0123456789abcdef0123456789abcdef.jpg';

describe('media keys', () => {
  it('should make random keys of 32 hex digits and the extension of the type', () => {
    const a = newMediaKey('webp');
    const b = newMediaKey('webp');
    expect(a).toMatch(/^[0-9a-f]{32}\.webp$/);
    expect(a).not.toBe(b);
    expect(isMediaKey(a)).toBe(true);
  });

  it.each(['..', '../x.jpg', 'a/b.jpg', `${KEY}/`, KEY.toUpperCase(), KEY.replace('.jpg', '.svg'), KEY.replace('.jpg', '.html'), `x${KEY}`, `${KEY}\0.png`, ''])(
    'should not take %j for a key',
    (value) => {
      expect(isMediaKey(value)).toBe(false);
      expect(contentTypeOfKey(value)).toBeNull();
    },
  );

  it('should give the content type of each extension', () => {
    expect(contentTypeOfKey(KEY)).toBe('image/jpeg');
    expect(contentTypeOfKey(KEY.replace('.jpg', '.png'))).toBe('image/png');
    expect(contentTypeOfKey(KEY.replace('.jpg', '.webp'))).toBe('image/webp');
    expect(contentTypeOfKey(KEY.replace('.jpg', '.gif'))).toBe('image/gif');
  });

  it('should find the key of a media URL on any base, and nothing in other URLs', () => {
    expect(mediaKeyOfUrl(`https://api.shop.example.com/media/${KEY}`)).toBe(KEY);
    expect(mediaKeyOfUrl(`https://cdn.example.com/a/b/${KEY}?v=1#x`)).toBe(KEY);
    expect(mediaKeyOfUrl('https://thirdwx.qlogo.cn/mmopen/vi_32/Q0j4TwGTfTK/132')).toBeNull();
    expect(mediaKeyOfUrl(`https://cdn.example.com/${KEY}/more`)).toBeNull();
    expect(mediaKeyOfUrl(KEY)).toBeNull();
    expect(mediaKeyOfUrl('not a url')).toBeNull();
  });

  it('should match If-None-Match weakly, in lists and with *', () => {
    const etag = etagOfKey(KEY);
    expect(etag).toBe('"0123456789abcdef0123456789abcdef"');
    expect(ifNoneMatchHits(etag, etag)).toBe(true);
    expect(ifNoneMatchHits(`W/${etag}`, etag)).toBe(true);
    expect(ifNoneMatchHits(`"a", ${etag}`, etag)).toBe(true);
    expect(ifNoneMatchHits('*', etag)).toBe(true);
    expect(ifNoneMatchHits('"a"', etag)).toBe(false);
    expect(ifNoneMatchHits(undefined, etag)).toBe(false);
  });
});
