/**
 * What the real server does when one device logs in twice (the second login replaces the first with
 * `<conflict type="replaced"/>`, Baileys' 440) is invisible from outside unless someone keeps count.
 * A cluster that must never run two sockets of its one session proves it here: every conflict, and the
 * most connections one device ever had logged in at the same moment.
 */
export interface LoginConflict {
  deviceJid: string;
  /** Epoch milliseconds of the login that replaced the older connection. */
  at: number;
  replacedConnectionId: number;
  byConnectionId: number;
}

export interface ConflictReport {
  conflicts: LoginConflict[];
  /** Per device jid: 1 when logins never overlapped, 2 or more when one replaced another still logged in. */
  maxConcurrentLogins: Record<string, number>;
}

export class ConflictLog {
  private readonly conflicts: LoginConflict[] = [];
  private readonly maxConcurrent = new Map<string, number>();

  /** A connection of `deviceJid` logged in while `stillReady` (other connections of it) were logged in. */
  login(deviceJid: string, connectionId: number, stillReady: number[], at = Date.now()): LoginConflict[] {
    const concurrent = stillReady.length + 1;
    this.maxConcurrent.set(deviceJid, Math.max(this.maxConcurrent.get(deviceJid) ?? 0, concurrent));
    const added = stillReady.map((replacedConnectionId) => ({
      deviceJid,
      at,
      replacedConnectionId,
      byConnectionId: connectionId,
    }));
    this.conflicts.push(...added);
    return added;
  }

  report(): ConflictReport {
    return {
      conflicts: this.conflicts.map((conflict) => ({ ...conflict })),
      maxConcurrentLogins: Object.fromEntries(this.maxConcurrent),
    };
  }
}
