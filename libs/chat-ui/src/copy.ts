'use client';

import { useState } from 'react';

export type CopyState = 'idle' | 'copied' | 'selected';
export const COPY_LABEL: Record<CopyState, string> = { idle: 'Copy', copied: 'Copied', selected: 'Selected: press Ctrl+C' };
const COPY_RESET_MS = 2_000;

/**
 * Copying text with a button, for code blocks and whole replies. The clipboard API exists only on
 * https and localhost: elsewhere (or when it refuses) the element showing the text is selected,
 * for Ctrl+C. `show` is told which happened, for the button's label, and told `idle` 2 s later.
 */
export function copyText(text: string, shownIn: HTMLElement | null, show: (state: CopyState) => void): void {
  const showFor2s = (next: CopyState) => {
    show(next);
    setTimeout(() => show('idle'), COPY_RESET_MS);
  };
  const selectShown = () => {
    const selection = window.getSelection();
    if (!shownIn || !selection) return;
    selection.selectAllChildren(shownIn);
    showFor2s('selected');
  };
  if (!navigator.clipboard) return selectShown();
  navigator.clipboard.writeText(text).then(() => showFor2s('copied'), selectShown);
}

/** `copyText` with its state as React state. */
export function useCopy(): { state: CopyState; copy: (text: string, shownIn: HTMLElement | null) => void } {
  const [state, setState] = useState<CopyState>('idle');
  return { state, copy: (text, shownIn) => copyText(text, shownIn, setState) };
}
