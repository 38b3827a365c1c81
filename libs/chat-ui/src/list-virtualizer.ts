import { useLayoutEffect, useState } from 'react';
import { elementScroll, observeElementOffset, observeElementRect, Virtualizer, type VirtualizerOptions } from '@tanstack/react-virtual';

type ListVirtualizerOptions = Omit<VirtualizerOptions<HTMLDivElement, Element>, 'observeElementRect' | 'observeElementOffset' | 'scrollToFn'>;

/**
 * TanStack Virtual's virtualizer for a scrolling element, bound to React as `useVirtualizer` binds
 * it, less one thing: it never re-renders the component itself. `useVirtualizer` re-renders on
 * every change of its range and of its "is scrolling" flag (set by each scroll, reset by a timer),
 * and a streaming reply that the view follows scrolls the list every frame: a render of the whole
 * list a few times a second for rows that were already in the DOM. Here `onChange` decides.
 */
export function useListVirtualizer(options: ListVirtualizerOptions): Virtualizer<HTMLDivElement, Element> {
  const resolved: VirtualizerOptions<HTMLDivElement, Element> = { observeElementRect, observeElementOffset, scrollToFn: elementScroll, ...options };
  const [instance] = useState(() => new Virtualizer(resolved));
  instance.setOptions(resolved);
  // The lifecycle calls `useVirtualizer` makes: observe once mounted, and take in new options
  // (and the scroll element, if it changed) after each commit.
  useLayoutEffect(() => instance._didMount(), [instance]);
  useLayoutEffect(() => instance._willUpdate());
  return instance;
}
