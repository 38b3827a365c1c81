/**
 * Each conversation's last seq, learned from this process's own reads and appends, for a database
 * this process is the only writer of (embedded PGlite, see `ownsDatabaseAlone`). Then the value is
 * never ahead of the database (an append is noted after it committed) and at most a few microtasks
 * behind it (between a commit and its note; that message is published after the note, so a socket
 * that synced meanwhile still receives it live). A socket's first `sync` then costs no query.
 * Seqs only grow, so every note keeps the larger value. At most `maxEntries` conversations are kept.
 */
export class LastSeqs {
  private readonly known = new Map<string, number>();

  constructor(private readonly maxEntries: number) {}

  get(conversationId: string): number | undefined {
    return this.known.get(conversationId);
  }

  note(conversationId: string, seq: number): void {
    const known = this.known.get(conversationId);
    if (known !== undefined && known >= seq) return;
    this.known.delete(conversationId);
    this.known.set(conversationId, seq);
    if (this.known.size <= this.maxEntries) return;
    // Map keys keep insertion order: the first is the conversation noted longest ago.
    const oldest = this.known.keys().next();
    if (!oldest.done) this.known.delete(oldest.value);
  }
}
