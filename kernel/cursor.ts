/**
 * Jupyter counts cursor positions in Unicode code points (Python string indices); JavaScript strings
 * index UTF-16 code units. These convert between the two so completion works after emoji or CJK text.
 */

/** The UTF-16 index of the `codePoints`-th code point of `text` (clamped to the end). */
export function codePointToUtf16(text: string, codePoints: number): number {
  let index = 0;
  for (let seen = 0; seen < codePoints && index < text.length; seen++) {
    const code = text.charCodeAt(index);
    index += code >= 0xd800 && code <= 0xdbff && index + 1 < text.length ? 2 : 1;
  }
  return index;
}

/** The number of code points in `text` before UTF-16 index `index`. */
export function utf16ToCodePoint(text: string, index: number): number {
  let codePoints = 0;
  for (let i = 0; i < Math.min(index, text.length); i++) {
    const code = text.charCodeAt(i);
    if (!(
      code >= 0xdc00 &&
      code <= 0xdfff &&
      i > 0 &&
      text.charCodeAt(i - 1) >= 0xd800 &&
      text.charCodeAt(i - 1) <= 0xdbff
    ))
      codePoints++;
  }
  return codePoints;
}
