/**
 * @module test/formats/image-size
 * Width and height of a PNG (IHDR) or a baseline/progressive JPEG (SOF0/SOF2), read from the
 * bytes: enough to check that a screenshot is a valid image of the asked size.
 */
export interface ImageSize {
  type: 'png' | 'jpeg';
  width: number;
  height: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function imageSize(bytes: Uint8Array): ImageSize {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (PNG_SIGNATURE.every((byte, i) => bytes[i] === byte)) {
    if (String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') throw new Error('PNG without IHDR first');
    return { type: 'png', width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    for (let at = 2; at + 9 < bytes.length;) {
      if (bytes[at] !== 0xff) throw new Error(`JPEG marker expected at ${at}`);
      const marker = bytes[at + 1]!;
      const length = view.getUint16(at + 2);
      if (marker === 0xc0 || marker === 0xc2) return { type: 'jpeg', height: view.getUint16(at + 5), width: view.getUint16(at + 7) };
      at += 2 + length;
    }
    throw new Error('JPEG without a frame header');
  }
  throw new Error('neither PNG nor JPEG');
}
