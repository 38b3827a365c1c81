/** @jest-environment jsdom */
import { renderHook } from '@testing-library/react';
import { Virtualizer, type VirtualizerOptions } from '@tanstack/react-virtual';
import { measureFromObserver, useListVirtualizer } from './list-virtualizer';

const ESTIMATE = 88;

function listOf(count: number): Virtualizer<HTMLDivElement, Element> {
  const options: VirtualizerOptions<HTMLDivElement, Element> = {
    count,
    getScrollElement: () => null,
    estimateSize: () => ESTIMATE,
    getItemKey: (index) => `row-${index}`,
    observeElementRect: () => undefined,
    observeElementOffset: () => undefined,
    scrollToFn: () => undefined,
  };
  return new Virtualizer(options);
}

/** A rendered row whose layout must not be read: reading it in React's commit forces a layout. */
function rowAt(index: number): HTMLLIElement {
  const row = document.createElement('li');
  row.setAttribute('data-index', String(index));
  const unread = (): never => {
    throw new Error('the row was measured outside its ResizeObserver');
  };
  Object.defineProperty(row, 'offsetHeight', { get: unread });
  row.getBoundingClientRect = unread;
  return row;
}

function observed(row: Element, blockSize: number): ResizeObserverEntry {
  const box = { blockSize, inlineSize: 700 };
  return { target: row, borderBoxSize: [box], contentBoxSize: [box], devicePixelContentBoxSize: [box], contentRect: new DOMRect(0, 0, 700, blockSize) };
}

describe('measureFromObserver', () => {
  it('takes the height the ResizeObserver reports, rounded as the library rounds it', () => {
    const list = listOf(3);
    expect(measureFromObserver(rowAt(1), observed(rowAt(1), 131.6), list)).toBe(132);
  });

  it('gives a row just rendered its estimate without reading its layout', () => {
    const list = listOf(3);
    expect(measureFromObserver(rowAt(2), undefined, list)).toBe(ESTIMATE);
  });

  it('keeps the height already measured for a row rendered again', () => {
    const list = listOf(3);
    list.itemSizeCache.set('row-0', 240);
    expect(measureFromObserver(rowAt(0), undefined, list)).toBe(240);
  });

  it("reads the row's box when the observer reports no border box (older browsers)", () => {
    const list = listOf(1);
    const row = document.createElement('li');
    row.setAttribute('data-index', '0');
    row.getBoundingClientRect = () => new DOMRect(0, 0, 700, 57.4);
    const entry: ResizeObserverEntry = { ...observed(row, 57.4), borderBoxSize: [] };
    expect(measureFromObserver(row, entry, list)).toBe(57);
  });
});

describe('useListVirtualizer', () => {
  it("attaches a new row without reading its layout (React's ref, in the commit)", () => {
    const scroller = document.createElement('div');
    const { result } = renderHook(() => useListVirtualizer({ count: 3, getScrollElement: () => scroller, estimateSize: () => ESTIMATE, getItemKey: (index) => `row-${index}` }));
    const row = rowAt(2);
    document.body.append(row);
    expect(() => result.current.measureElement(row)).not.toThrow();
    expect(result.current.getTotalSize()).toBe(3 * ESTIMATE);
  });
});
