import { useLayoutEffect, useState } from 'react';
import { elementScroll, observeElementOffset, observeElementRect, Virtualizer, type VirtualizerOptions } from '@tanstack/react-virtual';

type ListVirtualizerOptions = Omit<VirtualizerOptions<HTMLDivElement, Element>, 'observeElementRect' | 'observeElementOffset' | 'scrollToFn' | 'measureElement'>;

/**
 * A row's height as its ResizeObserver reports it. Without a report (the row's ref, as React
 * attaches it) the size already known stands, or the estimate: the library would read the
 * row's `offsetHeight`, a layout forced in the middle of React's commit, once per new row (the
 * question's and the reply's rows when a reply starts, ~1.5 ms each in the render benchmark's
 * trace). The observer reports every new row after the frame's own layout and before its paint,
 * so the row is measured before anyone sees it either way.
 */
export function measureFromObserver(element: Element, entry: ResizeObserverEntry | undefined, instance: Virtualizer<HTMLDivElement, Element>): number {
  if (entry) return Math.round(entry.borderBoxSize?.[0]?.blockSize ?? element.getBoundingClientRect().height);
  const index = instance.indexFromElement(element);
  return instance.itemSizeCache.get(instance.options.getItemKey(index)) ?? instance.options.estimateSize(index);
}

/** Where the virtualizer last scrolled each element to (`scrolledByList`). */
const written = new WeakMap<Element, number>();

/** The library's `elementScroll`, noting where it scrolls to. */
const scrollAndNote: VirtualizerOptions<HTMLDivElement, Element>['scrollToFn'] = (offset, options, instance) => {
  if (instance.scrollElement) written.set(instance.scrollElement, offset + (options.adjustments ?? 0));
  elementScroll(offset, options, instance);
};

/**
 * Whether the element's scroll offset is where the virtualizer last put it: its own corrections
 * (a row above the view measured smaller than its estimate, following the end) are not the
 * reader scrolling, and must not count as them leaving the end (`useStayAtEnd`).
 */
export function scrolledByList(element: Element): boolean {
  const offset = written.get(element);
  return offset !== undefined && Math.abs(element.scrollTop - offset) < 1;
}

/**
 * TanStack Virtual's virtualizer for a scrolling element, bound to React as `useVirtualizer` binds
 * it, less one thing: it never re-renders the component itself. `useVirtualizer` re-renders on
 * every change of its range and of its "is scrolling" flag (set by each scroll, reset by a timer),
 * and a streaming reply that the view follows scrolls the list every frame: a render of the whole
 * list a few times a second for rows that were already in the DOM. Here `onChange` decides.
 */
export function useListVirtualizer(options: ListVirtualizerOptions): Virtualizer<HTMLDivElement, Element> {
  const resolved: VirtualizerOptions<HTMLDivElement, Element> = { observeElementRect, observeElementOffset, scrollToFn: scrollAndNote, measureElement: measureFromObserver, ...options };
  const [instance] = useState(() => new Virtualizer(resolved));
  instance.setOptions(resolved);
  // The lifecycle calls `useVirtualizer` makes: observe once mounted, and take in new options
  // (and the scroll element, if it changed) after each commit.
  useLayoutEffect(() => instance._didMount(), [instance]);
  useLayoutEffect(() => instance._willUpdate());
  return instance;
}
