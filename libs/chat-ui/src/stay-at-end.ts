import { useEffect, type RefObject } from 'react';
import { scrolledByList } from './list-virtualizer';

/**
 * Keeping a reader who is at the end of the message list there, for what the virtualizer does not
 * follow (it follows the rows as they grow and are added): shrinks, and a footer that grows.
 */

/** How far (px) the scroller's view is from the end of its content. */
export function distanceToEnd(scroller: HTMLElement): number {
  return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight;
}

/** How close to the end (px) the view must come for the reader to follow it again. */
const AT_END_PX = 2;

/**
 * Keeps a reader who is following the end of the list there, and says when they are away from it
 * (`onFollowingChange(false)`: "Jump to latest" is offered): not following, and more than
 * `followPx` (the list's threshold, the virtualizer's `scrollEndThreshold` too) from the end.
 *
 * Following: the view came to the end and the reader has not scrolled up since. Only the reader
 * moving up leaves the end; the view found short of it otherwise is put back. A scroll event can
 * come while the content has grown and the view has not caught up yet (a new reply's row laid out
 * before the virtualizer follows it, the view made shorter in the same frame by Stop appearing):
 * counted as leaving, it showed "Jump to latest" to a reader who never scrolled and stopped the
 * following for good (browser test `rate-limit-follow`); so did the virtualizer moving the view up
 * itself (a row above measured smaller than its estimate while a new reply's row was added). A
 * reader still following who is found behind the end is put back there one frame later. So is one
 * following when:
 *
 * - Rows at the end shrink (a finished reply loses its caret line, a sent message its "Sending…"
 *   note). The browser then clamps the scroll to the new end, and the virtualizer's own
 *   end-following may subtract the shrink a second time (when the clamp's scroll event reaches it
 *   before the resize does), leaving the reader a few dozen pixels short of the end (browser test
 *   `long-thread-follow`). They are put back one frame later, after the virtualizer's own
 *   correction. The list's border box is watched, as the padding standing in for unrendered rows
 *   is part of it: a window shift that trades rows for padding is not a shrink.
 * - The scroller itself shrinks (the composer grows with a long paste, a phone's keyboard opens,
 *   the rate-limit alert appears above the composer): its scroll offset stays while its bottom
 *   edge moves up, over the latest messages, and no scroll event says so (browser tests
 *   `composer-grow-follow`, `rate-limit-follow`). They are put back at once, before the shorter
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
  followPx: number,
  onFollowingChange: (following: boolean) => void,
): void {
  useEffect(() => {
    const list = listRef.current;
    const scroller = scrollRef.current;
    const footer = footerRef.current;
    if (!hasRows || !list || !scroller || !footer || typeof ResizeObserver === 'undefined') return;
    // The list opens on its end (and the rows it waits for while empty are the latest).
    let following = true;
    let away = false;
    onFollowingChange(true);
    let lastTop = scroller.scrollTop;
    let frame = 0;
    const catchUpNextFrame = (): void => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        if (following) scrollToEnd();
      });
    };
    const onScroll = (): void => {
      const top = scroller.scrollTop;
      // Up, and not by the virtualizer's own correction: the reader.
      const readerMovedUp = top < lastTop - 0.5 && !scrolledByList(scroller);
      lastTop = top;
      const distance = distanceToEnd(scroller);
      if (distance <= AT_END_PX) following = true;
      else if (readerMovedUp) following = false;
      else if (following) catchUpNextFrame();
      const nowAway = !following && distance > followPx;
      if (nowAway === away) return;
      away = nowAway;
      onFollowingChange(!nowAway);
    };
    let lastListHeight = list.getBoundingClientRect().height;
    let lastViewHeight = scroller.getBoundingClientRect().height;
    let lastFooterHeight = footer.getBoundingClientRect().height;
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
      if (!following) return;
      if (viewShrank || footerGrew) scrollToEnd();
      if (rowsShrank) catchUpNextFrame();
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
  }, [scrollRef, listRef, footerRef, scrollToEnd, hasRows, followPx, onFollowingChange]);
}
