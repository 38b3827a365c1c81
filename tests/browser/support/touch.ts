import type { Locator } from 'playwright-core';

/**
 * Measuring touch targets: on a phone the controls people tap are at least 44×44 px (WCAG 2.5.5,
 * Apple's and Google's guidance). Used by `touch-targets` and `voice-panel`.
 */

export const TOUCH_TARGET_PX = 44;

/** A 390×844 phone, held by a finger. */
export const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true };

/** A box as the page lays it out (CSS px, one decimal). */
export interface Size {
  width: number;
  height: number;
}

/**
 * The control's box, after scrolling it into view, and whether a tap anywhere in it (the middle
 * of each edge, 1 px in, and its centre; not the corners, which a pill's rounding leaves out)
 * lands on it: a box grown under a neighbour is no bigger to a finger.
 */
export async function touchBox(control: Locator): Promise<Size & { tappable: boolean }> {
  await control.scrollIntoViewIfNeeded();
  return control.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const [midX, midY] = [(r.left + r.right) / 2, (r.top + r.bottom) / 2];
    const points = [
      [midX, r.top + 1],
      [midX, r.bottom - 1],
      [r.left + 1, midY],
      [r.right - 1, midY],
      [midX, midY],
    ];
    const tappable = points.every(([x, y]) => {
      const hit = document.elementFromPoint(x!, y!);
      return hit !== null && el.contains(hit);
    });
    return { width: Math.round(r.width * 10) / 10, height: Math.round(r.height * 10) / 10, tappable };
  });
}

/** Every measured control that a finger cannot hit as a 44×44 px target, with its size. */
export function tooSmall(sizes: Record<string, Size & { tappable?: boolean }>): string[] {
  return Object.entries(sizes)
    .filter(([, s]) => s.width < TOUCH_TARGET_PX || s.height < TOUCH_TARGET_PX || s.tappable === false)
    .map(([name, s]) => `${name}: ${s.width}×${s.height}${s.tappable === false ? ' (partly covered)' : ''}`);
}

/** Every measured control as tall as a touch target: on a desktop they keep their compact look. */
export function notCompact(heights: Record<string, number>): string[] {
  return Object.entries(heights)
    .filter(([, h]) => h >= TOUCH_TARGET_PX)
    .map(([name, h]) => `${name}: ${h} px high`);
}
