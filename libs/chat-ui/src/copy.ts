'use client';

import { useState } from 'react';

export type CopyState = 'idle' | 'copied' | 'selected';
export const COPY_LABEL: Record<CopyState, string> = { idle: 'Copy', copied: 'Copied', selected: 'Selected: press Ctrl+C' };
const COPY_RESET_MS = 2_000;

/**
 * Copying text with a button, for code blocks and whole replies. The clipboard API exists only on
 * https and localhost: elsewhere (or when it refuses) the element showing the text is selected,
 * for Ctrl+C. The state says which happened, for the button's label, and resets after 2 s.
 */
export function useCopy(): { state: CopyState; copy: (text: string, shownIn: HTMLElement | null) => void } {
  const [state, setState] = useState<CopyState>('idle');
  const show = (next: CopyState) => {
    setState(next);
    setTimeout(() => setState('idle'), COPY_RESET_MS);
  };
  const copy = (text: string, shownIn: HTMLElement | null) => {
    const selectShown = () => {
      const selection = window.getSelection();
      if (!shownIn || !selection) return;
      selection.selectAllChildren(shownIn);
      show('selected');
    };
    if (!navigator.clipboard) return selectShown();
    navigator.clipboard.writeText(text).then(() => show('copied'), selectShown);
  };
  return { state, copy };
}
