import { useEffect, type RefObject } from 'react';

/**
 * Keeping a reader who is at the end of the message list there, for what the virtualizer does not
 * follow (it follows the rows as they grow and are added): shrinks, and a footer that grows.
 */

/** How far (px) the scroller's view is from the end of its content. */
export function distanceToEnd(scroller: HTMLElement): number {
  return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight;
}

/** How close to the very end (px) a reader must be for a shrink to put them back there. */
const AT_VERY_END_PX = 2;

/**
 * Keeps a reader who was at the very end (at their last scroll) there when something shrinks:
 *
 * - Rows at the end (a finished reply loses its caret line, a sent message its "Sending…" note).
 *   The browser then clamps the scroll to the new end, and the virtualizer's own end-following
 *   may subtract the shrink a second time (when the clamp's scroll event reaches it before the
 *   resize does), leaving the reader a few dozen pixels short of the end (browser test
 *   `long-thread-follow`). They are put back one frame later, after the virtualizer's own
 *   correction. The list's border box is watched, as the padding standing in for unrendered rows
 *   is part of it: a window shift that trades rows for padding is not a shrink.
 * - The scroller itself (the composer grows with a long paste, a phone's keyboard opens): its
 *   scroll offset stays while its bottom edge moves up, over the latest messages, and no scroll
 *   event says so (browser test `composer-grow-follow`). They are put back at once, before the shorter
 *   view is painted; the virtualizer only follows the end when the content grows.
 * - The footer below the rows grows (a long "… is typing" wraps to a second line on a phone): the
 *   virtualizer follows the rows only, so that line was left under the composer (browser test
 *   `post-shared`). They are put back at once.
 */
export function useStayAtEnd(
  scrollRef: RefObject<HTMLDivElement | null>,
  listRef: RefObject<HTMLOListElement | null>,
  footerRef: RefObject<HTMLDivElement | null>,
  scrollToEnd: () => void,
  hasRows: boolean,
): void {
  useEffect(() => {
    const list = listRef.current;
    const scroller = scrollRef.current;
    const footer = footerRef.current;
    if (!hasRows || !list || !scroller || !footer || typeof ResizeObserver === 'undefined') return;
    const atVeryEnd = (): boolean => distanceToEnd(scroller) <= AT_VERY_END_PX;
    let wasAtEnd = atVeryEnd();
    const onScroll = (): void => {
      wasAtEnd = atVeryEnd();
    };
    let lastListHeight = list.getBoundingClientRect().height;
    let lastViewHeight = scroller.getBoundingClientRect().height;
    let lastFooterHeight = footer.getBoundingClientRect().height;
    let frame = 0;
    const observer = new ResizeObserver((entries) => {
      let rowsShrank = false;
      let viewShrank = false;
      let footerGrew = false;
      for (const entry of entries) {
        if (entry.target === list) {
          const height = entry.borderBoxSize?.[0]?.blockSize ?? list.getBoundingClientRect().height;
          rowsShrank = height < lastListHeight - 0.5;
          lastListHeight = height;
        } else if (entry.target === footer) {
          const height = entry.contentRect.height;
          footerGrew = height > lastFooterHeight + 0.5;
          lastFooterHeight = height;
        } else {
          const height = entry.contentRect.height;
          viewShrank = height < lastViewHeight - 0.5;
          lastViewHeight = height;
        }
      }
      if (!wasAtEnd) return;
      if (viewShrank || footerGrew) scrollToEnd();
      if (rowsShrank) {
        cancelAnimationFrame(frame);
        frame = requestAnimationFrame(scrollToEnd);
      }
    });
    scroller.addEventListener('scroll', onScroll, { passive: true });
    observer.observe(list, { box: 'border-box' });
    observer.observe(scroller);
    observer.observe(footer);
    return () => {
      scroller.removeEventListener('scroll', onScroll);
      observer.disconnect();
      cancelAnimationFrame(frame);
    };
  }, [scrollRef, listRef, footerRef, scrollToEnd, hasRows]);
}
